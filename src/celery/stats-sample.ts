import type { Redis } from 'ioredis';
import { statsEntry, statsEntryFast, type StatsEntry, type StatsTally } from './stats-tally.js';

/** How a one-shot `queue stats` over a long queue was sampled (stated in its output). */
export interface StatsSample {
  method: 'evenly spaced windows per priority bucket, counts scaled to each bucket length';
  /** Messages read and counted. */
  messages: number;
  windows: number;
  window_size: number;
  /** Ready messages the counts were scaled to (LLEN, exact). */
  of: number;
  /** Queues up to this many ready messages are read whole. */
  exact_limit: number;
}

/** Ready messages read whole by a one-shot `queue stats`; longer queues are sampled. */
export const EXACT_LIMIT = 100_000;
export const SAMPLE_SIZE = 20_000;
export const SAMPLE_WINDOW = 100;
const BATCH = 32;

interface Bucket {
  key: Buffer;
  length: number;
}

interface Window {
  bucket: number;
  /** Index from the tail of the first message read. */
  from: number;
  count: number;
}

/** Windows of `windowSize` messages spread evenly over each bucket, `size` messages in all, by length. */
export function planWindows(buckets: Bucket[], size: number, windowSize: number): Window[] {
  const total = buckets.reduce((n, b) => n + b.length, 0);
  const out: Window[] = [];
  buckets.forEach((b, i) => {
    if (b.length === 0) return;
    const want = Math.max(Math.min(b.length, windowSize), Math.round((size * b.length) / total));
    if (want >= b.length) {
      out.push({ bucket: i, from: 0, count: b.length });
      return;
    }
    const n = Math.ceil(want / windowSize);
    const count = Math.ceil(want / n);
    for (let k = 0; k < n; k++) {
      const from = n === 1 ? Math.floor((b.length - count) / 2) : Math.floor((k * (b.length - count)) / (n - 1));
      out.push({ bucket: i, from, count });
    }
  });
  return out;
}

/**
 * Counts a sample of the buckets into `tally`, each bucket's counts scaled to its length (stratified by
 * priority bucket). Reads about `size` messages in pipelined LRANGEs, so time and memory stay bounded
 * whatever the length of the queue.
 */
export async function sampleBuckets(
  redis: Redis,
  buckets: Bucket[],
  tally: StatsTally,
  size: number,
  windowSize: number,
  exactLimit: number,
): Promise<StatsSample> {
  const plan = planWindows(buckets, size, windowSize);
  const seen: StatsEntry[][] = buckets.map(() => []);
  for (let i = 0; i < plan.length; i += BATCH) {
    const p = redis.pipeline();
    const batch = plan.slice(i, i + BATCH);
    for (const w of batch) p.lrangeBuffer(buckets[w.bucket].key, -(w.from + w.count), -(w.from + 1));
    const replies = (await p.exec()) ?? [];
    for (let j = 0; j < batch.length; j++) {
      const [err, page] = replies[j];
      if (err) throw err;
      for (const raw of page as Buffer[]) seen[batch[j].bucket].push(statsEntryFast(raw) ?? (await statsEntry(raw)));
    }
  }
  let messages = 0;
  seen.forEach((entries, i) => {
    messages += entries.length;
    const weight = entries.length ? buckets[i].length / entries.length : 0;
    for (const e of entries) tally.add(e, weight);
  });
  return {
    method: 'evenly spaced windows per priority bucket, counts scaled to each bucket length',
    messages,
    windows: plan.length,
    window_size: windowSize,
    of: buckets.reduce((n, b) => n + b.length, 0),
    exact_limit: exactLimit,
  };
}
