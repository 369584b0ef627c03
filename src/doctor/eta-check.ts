import type { Redis } from 'ioredis';
import { decode } from '../celery/decode.js';
import { readQueue, readUnacked, redisNow } from '../celery/read.js';
import type { Transport } from '../celery/transport.js';
import { formatDuration } from '../core/time-format.js';
import { check, type CheckResult } from './check.js';

/** Ready messages read per queue, from the end workers take next: the backlog itself is never read whole. */
export const ETA_READY_SAMPLE = 1000;

interface Late {
  id: string | null;
  task: string | null;
  where: 'unacked' | 'ready';
  queue: string | null;
  eta: string;
  delay_seconds: number;
}

/**
 * ETA (countdown) messages that wait longer than the visibility timeout. A worker holds an ETA task in
 * `unacked` until it is due; once that is longer than the visibility timeout, kombu restores the message,
 * another worker takes it too, and Celery runs it twice (or more). Unacked entries: delay = ETA minus when
 * the worker took it; ready ones (a sample per queue): ETA minus now, what the delay will be when taken.
 */
export async function etaDelayCheck(broker: Redis, t: Transport, queues: readonly string[]): Promise<CheckResult> {
  const now = await redisNow(broker);
  const vt = t.visibilityTimeoutS;
  const late: Late[] = [];
  let eta = 0;
  let unacked = 0;
  for await (const u of readUnacked(broker, t)) {
    unacked++;
    if (!u.payload) continue;
    const m = await decode(u.payload);
    if (!m.eta) continue;
    eta++;
    const delay = Date.parse(m.eta) / 1000 - (u.since ?? now);
    if (delay > vt) late.push(entry(m, 'unacked', u.routingKey, delay));
  }
  let sampled = 0;
  let cut = false;
  for (const q of queues) {
    let n = 0;
    for await (const e of readQueue(broker, t, q)) {
      if (++n > ETA_READY_SAMPLE) {
        cut = true;
        break;
      }
      sampled++;
      const m = await decode(e.raw);
      if (!m.eta) continue;
      eta++;
      const delay = Date.parse(m.eta) / 1000 - now;
      if (delay > vt) late.push(entry(m, 'ready', q, delay));
    }
  }
  late.sort((a, b) => b.delay_seconds - a.delay_seconds);
  const read = `${unacked} unacked and ${sampled} ready read${cut ? ` (the next ${ETA_READY_SAMPLE} per queue)` : ''}`;
  const data = {
    visibility_timeout_seconds: vt,
    eta_messages: eta,
    late: late.length,
    sampled: cut,
    messages: late.slice(0, 20),
  };
  if (!late.length)
    return check('eta delay', 'ok', `no ETA beyond the ${formatDuration(vt)} visibility timeout (${read})`, data);
  const first = late
    .slice(0, 3)
    .map((l) => `${l.task ?? '?'} ${l.id ?? '?'} (${l.where}, waits ${formatDuration(l.delay_seconds)})`);
  return check(
    'eta delay',
    'fail',
    `${late.length} ETA message(s) wait longer than the ${formatDuration(vt)} visibility timeout: kombu will ` +
      `restore them and Celery runs them again (raise visibility_timeout): ${first.join('; ')}`,
    data,
  );
}

function entry(m: Awaited<ReturnType<typeof decode>>, where: Late['where'], queue: string | null, delay: number): Late {
  return { id: m.id, task: m.task, where, queue, eta: m.eta!, delay_seconds: Math.round(delay) };
}
