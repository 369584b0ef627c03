import type { Redis } from 'ioredis';
import { discoverQueues } from './list.js';
import { readQueuePages, readUnacked, redisNow } from './read.js';
import { EXACT_LIMIT, SAMPLE_SIZE, SAMPLE_WINDOW, sampleBuckets, type StatsSample } from './stats-sample.js';
import { rounded, statsEntry, statsEntryFast, StatsTally } from './stats-tally.js';
import { bucketKeys, isInternalQueue, type Transport } from './transport.js';

export type { StatsSample } from './stats-sample.js';

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
  /** False when the counts by task, priority and ETA are estimates from a sample (`sample` says how). */
  exact: boolean;
  sample: StatsSample | null;
}

export interface StatsOptions {
  /** Read every message whatever the length. */
  exact?: boolean;
  exactLimit?: number;
  sampleSize?: number;
}

/** The queue asked for, or every non-internal queue. */
export async function statsQueues(redis: Redis, t: Transport, queue: string | Buffer | null): Promise<Buffer[]> {
  if (queue !== null) return [typeof queue === 'string' ? Buffer.from(queue) : queue];
  return (await discoverQueues(redis, t)).names.filter((n) => !isInternalQueue(n.toString('utf8')));
}

/** Unacked messages of the given queues, by how long ago a worker took them. */
export async function unackedStats(
  redis: Redis,
  t: Transport,
  queues: string[],
  now: number,
): Promise<Pick<QueueStats, 'unacked' | 'unacked_by_age'>> {
  const s: Pick<QueueStats, 'unacked' | 'unacked_by_age'> = {
    unacked: 0,
    unacked_by_age: { under_1m: 0, '1m_10m': 0, '10m_1h': 0, over_1h: 0, unknown: 0 },
  };
  const wanted = new Set(queues);
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

/** The stats shape from running counts. */
export function statsOf(
  tally: StatsTally,
  queues: string[],
  now: number,
  unacked: Pick<QueueStats, 'unacked' | 'unacked_by_age'>,
  sample: StatsSample | null,
  ready = tally.ready,
): QueueStats {
  return {
    at: new Date(now * 1000).toISOString(),
    queues,
    ready: Math.round(ready),
    by_task: rounded(tally.byTask),
    by_priority: rounded(tally.byPriority),
    eta: tally.eta(now * 1000),
    broken: Math.round(tally.broken),
    ...unacked,
    exact: sample === null,
    sample,
  };
}

/**
 * Counts over a queue (or every non-internal queue): by task, by priority, ETA due or not, unacked by
 * age. Up to `exactLimit` ready messages every message is read; beyond, an evenly spread sample of
 * `sampleSize` is read and scaled (the result says so), so a 10-million-message queue costs the same.
 */
export async function queueStats(
  redis: Redis,
  t: Transport,
  queue: string | Buffer | null,
  o: StatsOptions = {},
): Promise<QueueStats> {
  const now = await redisNow(redis);
  const names = await statsQueues(redis, t, queue);
  const queues = names.map((n) => n.toString('utf8')).sort();
  const buckets = names.flatMap((n) => bucketKeys(t, n)).map((b) => ({ key: b.key, length: 0 }));
  const p = redis.pipeline();
  for (const b of buckets) p.llen(b.key);
  ((await p.exec()) ?? []).forEach(([err, n], i) => (buckets[i].length = err ? 0 : Number(n)));
  const total = buckets.reduce((n, b) => n + b.length, 0);
  const limit = o.exactLimit ?? EXACT_LIMIT;
  const tally = new StatsTally();
  let sample: StatsSample | null = null;
  if (o.exact || total <= limit) {
    for (const q of names)
      for await (const page of readQueuePages(redis, t, q))
        for (const m of page) tally.add(statsEntryFast(m.raw) ?? (await statsEntry(m.raw)));
  } else {
    sample = await sampleBuckets(redis, buckets, tally, o.sampleSize ?? SAMPLE_SIZE, SAMPLE_WINDOW, limit);
  }
  const unacked = await unackedStats(redis, t, queues, now);
  return statsOf(tally, queues, now, unacked, sample, sample ? total : tally.ready);
}
