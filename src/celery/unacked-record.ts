import type { DecodedMessage } from './envelope.js';
import type { ExportRecord } from './export-format.js';
import type { UnackedEntry } from './read.js';
import { summarize } from './summary.js';
import { bucketOf, type Transport } from './transport.js';

/** The export record of an unacked entry (export --unacked, purge --unacked --backup): the original element. */
export function unackedRecord(
  t: Transport,
  u: UnackedEntry & { payload: Buffer },
  m: DecodedMessage,
  queue: { queue: string; queue_b64?: string },
): ExportRecord {
  return {
    v: 1,
    ...queue,
    source: 'unacked',
    bucket: bucketOf(t, m.priority),
    position: null,
    delivery_tag: m.deliveryTag,
    unacked_tag: u.tag,
    unacked_since: u.since,
    message_b64: u.payload.toString('base64'),
    unacked_value_b64: u.value.toString('base64'),
    summary: summarize(m),
  };
}
