import type { MessageSummary } from './summary.js';

/**
 * One line of `queue export` / `queue purge --backup`, read back by `queue import`. The bytes in
 * `message_b64` are exactly what was stored in the list (for unacked entries: the original element,
 * sliced out of the unacked value), so an import pushes back what was there, byte for byte.
 */
export interface ExportRecord {
  v: 1;
  source: 'queue' | 'unacked';
  /** Queue name (UTF-8); `queue_b64` too when the name is not valid UTF-8. */
  queue: string;
  queue_b64?: string;
  /** Priority step of the bucket list it was in (or belongs in, for unacked). */
  bucket: number;
  /** For `queue`: 0 = the next message a worker would take. */
  position: number | null;
  delivery_tag: string | null;
  /** For `unacked`: the hash field and the unix time a worker took it. */
  unacked_tag?: string;
  unacked_since?: number | null;
  message_b64: string;
  unacked_value_b64?: string;
  /** Set by a purge's backup: the window it was removed in (see BackupJournal). */
  window?: string;
  /** Left out by `export --no-summary` (no decoding: the fastest way to save a queue). */
  summary?: MessageSummary;
}

export function exportLine(r: ExportRecord): string {
  // The base64 fields need no escaping: splice them in rather than have JSON.stringify scan them.
  const { message_b64, unacked_value_b64, summary, ...rest } = r;
  const head = JSON.stringify(rest);
  const unackedPart = unacked_value_b64 === undefined ? '' : `,"unacked_value_b64":"${unacked_value_b64}"`;
  const b64 = `"message_b64":"${message_b64}"${unackedPart}`;
  return `${head.slice(0, -1)},${b64}${summary === undefined ? '' : `,"summary":${JSON.stringify(summary)}`}}\n`;
}

/**
 * The same bytes as exportLine for a ready message of a queue, without building a record: `head` is
 * queueLineHead's text for the queue and bucket (a large export writes millions of these).
 */
export function queueExportLine(
  head: string,
  position: number,
  deliveryTag: string | null,
  messageB64: string,
  summary: MessageSummary | undefined,
): string {
  const tag = deliveryTag === null ? 'null' : JSON.stringify(deliveryTag);
  const tail = summary === undefined ? '}\n' : `,"summary":${JSON.stringify(summary)}}\n`;
  return `${head}${position},"delivery_tag":${tag},"message_b64":"${messageB64}"${tail}`;
}

/** What every queueExportLine of one bucket starts with, up to the position's value. */
export function queueLineHead(base: Pick<ExportRecord, 'v' | 'queue' | 'queue_b64'>, bucket: number): string {
  const head = JSON.stringify({ ...base, source: 'queue', bucket, position: 0 });
  return head.slice(0, -1 - '0'.length);
}

/** Parses one line back; throws with the reason for a malformed one. */
export function parseExportLine(line: string): ExportRecord {
  let r: unknown;
  try {
    r = JSON.parse(line);
  } catch (e) {
    throw new Error(`not JSON (${(e as Error).message})`, { cause: e });
  }
  const o = r as Partial<ExportRecord>;
  if (typeof o !== 'object' || o === null || o.v !== 1) throw new Error('not a loonctl export record (v: 1)');
  if (o.source !== 'queue' && o.source !== 'unacked') throw new Error("source must be 'queue' or 'unacked'");
  if (typeof o.queue !== 'string' || typeof o.bucket !== 'number' || typeof o.message_b64 !== 'string')
    throw new Error('queue, bucket and message_b64 are required');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(o.message_b64)) throw new Error('message_b64 is not base64');
  return o as ExportRecord;
}
