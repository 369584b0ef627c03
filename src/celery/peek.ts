import type { Redis } from 'ioredis';
import { decode } from './decode.js';
import type { DecodedMessage } from './envelope.js';
import type { MessageFilter } from './filter.js';
import { readQueue, readUnacked } from './read.js';
import { bucketOf, type Transport } from './transport.js';

export interface PeekedMessage {
  position: number;
  bucket: number;
  raw: Buffer;
  message: DecodedMessage;
}

export interface PeekedUnacked {
  tag: string;
  /** Seconds since a worker took it; null without a score in unacked_index. */
  age: number | null;
  since: number | null;
  bucket: number;
  raw: Buffer;
  value: Buffer;
  message: DecodedMessage;
  error?: string;
}

/**
 * Messages of a queue in the order workers will take them, decoded; reading stops as soon as
 * `limit` matches are found (after skipping `offset` matches). Never changes Redis.
 */
export async function peekQueue(
  redis: Redis,
  t: Transport,
  queue: Buffer | string,
  o: { limit: number; offset: number; filter: MessageFilter | null },
): Promise<PeekedMessage[]> {
  const out: PeekedMessage[] = [];
  let skipped = 0;
  // Without a filter, an offset is a position: whole buckets and pages are skipped unread.
  const positionSkip = o.filter ? 0 : o.offset;
  for await (const m of readQueue(redis, t, queue, positionSkip)) {
    const message = await decode(m.raw);
    if (o.filter && !o.filter(message, m.raw)) continue;
    if (o.filter && skipped < o.offset) {
      skipped++;
      continue;
    }
    out.push({ position: m.position, bucket: m.bucket, raw: m.raw, message });
    if (out.length >= o.limit) break;
  }
  return out;
}

/**
 * Unacked entries routed to a queue (or all with queue null), oldest first. Only the oldest
 * offset + limit are kept while reading (the hash can hold hundreds of thousands).
 */
export async function peekUnacked(
  redis: Redis,
  t: Transport,
  queue: string | null,
  now: number,
  o: { limit: number; offset: number; filter: MessageFilter | null },
): Promise<PeekedUnacked[]> {
  const keep = o.offset + o.limit;
  const oldest: PeekedUnacked[] = [];
  const sinceOf = (e: PeekedUnacked) => e.since ?? Infinity;
  for await (const u of readUnacked(redis, t)) {
    if (queue !== null && u.routingKey !== queue) continue;
    const raw = u.payload ?? u.value;
    const message = await decode(u.payload ?? Buffer.alloc(0));
    if (!u.payload) {
      message.ok = false;
      message.error = u.error ?? 'unreadable unacked value';
    }
    if (o.filter && !o.filter(message, raw)) continue;
    const age = u.since === null ? null : Math.max(0, now - u.since);
    const bucket = bucketOf(t, message.priority);
    const entry: PeekedUnacked = { tag: u.tag, since: u.since, age, bucket, raw, value: u.value, message };
    if (u.error) entry.error = u.error;
    // Insert after every entry at least as old (a stable order), and drop what falls past `keep`.
    if (oldest.length >= keep && sinceOf(entry) >= sinceOf(oldest[oldest.length - 1])) continue;
    let lo = 0;
    let hi = oldest.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sinceOf(oldest[mid]) <= sinceOf(entry)) lo = mid + 1;
      else hi = mid;
    }
    oldest.splice(lo, 0, entry);
    if (oldest.length > keep) oldest.pop();
  }
  return oldest.slice(o.offset, keep);
}
