import type { Redis } from 'ioredis';
import { discoverQueues } from '../list.js';
import { bindingPrefix, isInternalQueue, queueLabel, type Transport } from '../transport.js';

/** Where a queue is declared: kombu's `_kombu.binding.<exchange>` sets (DESIGN.md section 6). */
export interface QueueRoute {
  /** Some binding names the queue, so a worker or producer declared it. */
  declared: boolean;
  /** `_kombu.binding.<queue>`: the set Celery's producer adds the queue to (exchange named after it). */
  bindingKey: Buffer;
  /** The member it adds: `routing_key SEP pattern SEP queue` for a direct exchange, pattern empty. */
  bindingMember: Buffer;
  /** Queues that are declared, for the message when this one is not. */
  known: string[];
}

/**
 * Looks the queue up as Celery's default routing has it (`Queue(name, Exchange(name), routing_key=name)`):
 * first its own exchange's binding set, then every binding set (a queue declared under another exchange).
 */
export async function queueRoute(redis: Redis, t: Transport, queue: string): Promise<QueueRoute> {
  const bindingKey = Buffer.concat([bindingPrefix(t), Buffer.from(queue, 'utf8')]);
  const bindingMember = Buffer.concat([Buffer.from(queue), t.sep, t.sep, Buffer.from(queue)]);
  const base = { bindingKey, bindingMember, known: [] as string[] };
  const type = await redis.type(bindingKey);
  if (type === 'set' && (await redis.sismember(bindingKey, bindingMember))) return { ...base, declared: true };
  const { declared } = await discoverQueues(redis, t);
  const latin1 = Buffer.from(queue, 'utf8').toString('latin1');
  if (declared.has(latin1)) return { ...base, declared: true };
  const known = [...declared]
    .map((n) => queueLabel(Buffer.from(n, 'latin1')))
    .filter((n) => !isInternalQueue(n))
    .sort();
  return { ...base, declared: false, known };
}

/**
 * kombu's bucket for a priority: `_get_message_priority` clamps to 0..9, `priority()` takes
 * `steps[bisect(steps, p) - 1]` (Python's index -1, the last step, when p is below the first), and
 * `_q_for_pri` leaves the bare queue name only for step 0.
 */
export function kombuBucket(t: Transport, queue: string, priority: number): { key: Buffer; bucket: number } {
  const p = Math.max(Math.min(Math.trunc(priority), 9), 0);
  const steps = t.prioritySteps;
  const at = steps.filter((s) => s <= p).length; // bisect_right
  const bucket = steps[(at - 1 + steps.length) % steps.length];
  const name = Buffer.from(queue, 'utf8');
  const key = bucket
    ? Buffer.concat([t.keyPrefix, name, t.sep, Buffer.from(String(bucket))])
    : Buffer.concat([t.keyPrefix, name]);
  return { key, bucket };
}
