import type { Redis } from 'ioredis';
import { decode } from './decode.js';
import { discoverQueues } from './list.js';
import { readQueue, readUnacked, redisNow } from './read.js';
import { isInternalQueue, type Transport } from './transport.js';

export interface QueueStats {
  at: string;
  queues: string[];
  ready: number;
  by_task: Record<string, number>;
  by_priority: Record<string, number>;
  eta: { past: number; future: number };
  broken: number;
  unacked: number;
  unacked_by_age: Record<'under_1m' | '1m_10m' | '10m_1h' | 'over_1h' | 'unknown', number>;
}

/** Counts over a queue (or every non-internal queue): by task, by priority, ETA due or not, unacked by age. */
export async function queueStats(redis: Redis, t: Transport, queue: string | Buffer | null): Promise<QueueStats> {
  const now = await redisNow(redis);
  const names =
    queue !== null
      ? [typeof queue === 'string' ? Buffer.from(queue) : queue]
      : (await discoverQueues(redis, t)).names.filter((n) => !isInternalQueue(n.toString('utf8')));
  const s: QueueStats = {
    at: new Date(now * 1000).toISOString(),
    queues: names.map((n) => n.toString('utf8')).sort(),
    ready: 0,
    by_task: {},
    by_priority: {},
    eta: { past: 0, future: 0 },
    broken: 0,
    unacked: 0,
    unacked_by_age: { under_1m: 0, '1m_10m': 0, '10m_1h': 0, over_1h: 0, unknown: 0 },
  };
  for (const q of names) {
    for await (const e of readQueue(redis, t, q)) {
      const m = await decode(e.raw);
      s.ready++;
      if (!m.ok && m.task === null) {
        s.broken++;
        continue;
      }
      s.by_task[m.task ?? '?'] = (s.by_task[m.task ?? '?'] ?? 0) + 1;
      const p = String(m.priority ?? 0);
      s.by_priority[p] = (s.by_priority[p] ?? 0) + 1;
      if (m.eta) {
        if (Date.parse(m.eta) <= now * 1000) s.eta.past++;
        else s.eta.future++;
      }
    }
  }
  const wanted = new Set(s.queues);
  for await (const u of readUnacked(redis, t)) {
    if (u.routingKey === null || !wanted.has(u.routingKey)) continue;
    s.unacked++;
    const age = u.since === null ? null : now - u.since;
    const band =
      age === null ? 'unknown' : age < 60 ? 'under_1m' : age < 600 ? '1m_10m' : age < 3600 ? '10m_1h' : 'over_1h';
    s.unacked_by_age[band]++;
  }
  return s;
}
