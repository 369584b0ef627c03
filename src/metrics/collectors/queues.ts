import type { Redis } from 'ioredis';
import { discoverQueues } from '../../celery/list.js';
import { bucketKeys, isInternalQueue, queueLabel, type Transport } from '../../celery/transport.js';
import { FamilySet } from '../families.js';

/** A queue as the other collectors need it: its label, its name bytes and its bucket lengths. */
export interface QueueDepth {
  /** The name as a label value: UTF-8 text, or `b64:...` for bytes that are not UTF-8. */
  label: string;
  name: Buffer;
  buckets: { step: number; key: Buffer; length: number }[];
  ready: number;
}

/** Every non-internal queue (bindings and list keys, SCAN only) with one pipelined round of LLENs. */
export async function readDepths(broker: Redis, t: Transport): Promise<QueueDepth[]> {
  const { names } = await discoverQueues(broker, t);
  const visible = names.filter((n) => !isInternalQueue(n.toString('utf8')));
  const p = broker.pipeline();
  for (const n of visible) for (const b of bucketKeys(t, n)) p.llen(b.key);
  const lens = (await p.exec()) ?? [];
  let i = 0;
  const out = visible.map((n) => {
    const buckets = bucketKeys(t, n).map((b) => {
      const [err, len] = lens[i++];
      // A key of another type under a queue's name (someone else's string) holds no messages.
      return { ...b, length: err ? 0 : Number(len ?? 0) };
    });
    return { label: queueLabel(n), name: n, buckets, ready: buckets.reduce((a, b) => a + b.length, 0) };
  });
  return out.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

export function depthFamilies(queues: readonly QueueDepth[]): FamilySet {
  const set = new FamilySet();
  const ready = set.gauge(
    'loonctl_queue_ready_messages',
    'Messages waiting in a Celery queue (kombu Redis list), per priority bucket (the lowest priority of the step).',
  );
  for (const q of queues) for (const b of q.buckets) ready.set({ queue: q.label, priority: String(b.step) }, b.length);
  set
    .gauge('loonctl_queues', 'Celery queues found in the broker (bindings and lists; internal ones excluded).')
    .set({}, queues.length);
  return set;
}
