import type { Redis } from 'ioredis';
import { expectingType } from '../redis/errors.js';
import { pyJsonString } from './pyjson.js';
import { bucketKeys, unackedIndexKey, unackedKey, type Transport } from './transport.js';

export const PAGE = 500;

/** One ready message where it sits: bucket, and position in the order workers take them (0 runs next). */
export interface QueueMessage {
  source: 'queue';
  bucket: number;
  key: Buffer;
  position: number;
  /** Index from the tail of its bucket list (0 = the bucket's next). */
  fromTail: number;
  raw: Buffer;
}

/** Lengths of a queue's bucket lists, in the order workers serve them (one pipelined round). */
export async function bucketLengths(
  redis: Redis,
  t: Transport,
  queue: Buffer | string,
): Promise<{ step: number; key: Buffer; length: number }[]> {
  const buckets = bucketKeys(t, queue);
  const p = redis.pipeline();
  for (const b of buckets) p.llen(b.key);
  const res = (await p.exec()) ?? [];
  return buckets.map((b, i) => ({ ...b, length: Number(res[i][1] ?? 0) }));
}

/** What one page of LRANGE or HSCAN may bring back, roughly: messages can be 50 MB each. */
export const PAGE_BYTES = 8 * 1024 * 1024;
/** Pages start this small and double while the messages are small, so a huge first one costs little. */
const FIRST_PAGE = 1;

/** The size of the next page after one of `count` elements holding `bytes`: doubling, capped in bytes. */
export function nextPageSize(current: number, count: number, bytes: number, max: number): number {
  const perElement = count ? Math.max(1, bytes / count) : 1;
  return Math.max(1, Math.min(max, current * 2, Math.floor(PAGE_BYTES / perElement)));
}

/** One LRANGE page of a bucket, as a reader holds it: `count` elements of `size` bytes in all. */
export interface RangePage {
  count: number;
  size: number;
}

/**
 * Walks a queue in worker order (bucket by bucket, oldest first within a bucket) in LRANGE pages read by
 * `read`, so memory stays bounded whatever the length. Pages start small and double while the messages are
 * small, up to `pageSize` messages and about PAGE_BYTES. The next page is asked for before this one is
 * handed out, so Redis works while the caller decodes. `skip` jumps over that many messages unread.
 */
export async function* walkQueuePages<P extends RangePage>(
  redis: Redis,
  t: Transport,
  queue: Buffer | string,
  o: { skip: number; pageSize: number },
  read: (key: Buffer, start: number, stop: number) => Promise<P>,
): AsyncGenerator<{ page: P; bucket: { step: number; key: Buffer }; position: number; fromTail: number }> {
  let position = 0;
  let size = Math.min(FIRST_PAGE, o.pageSize);
  for (const b of await bucketLengths(redis, t, queue)) {
    if (o.skip >= position + b.length) {
      position += b.length;
      continue;
    }
    let i = Math.max(0, o.skip - position);
    const fetch = (from: number, n: number): Promise<P> | undefined => {
      if (from >= b.length) return undefined;
      const p = read(b.key, -(from + n), -(from + 1));
      p.catch(() => {}); // a reader that stops early leaves one page unread; never an unhandled rejection
      return p;
    };
    let next = fetch(i, size);
    while (next) {
      const page = await next;
      if (page.count === 0) break;
      size = nextPageSize(size, page.count, page.size, o.pageSize);
      next = fetch(i + page.count, size);
      yield { page, bucket: b, position: position + i, fromTail: i };
      i += page.count;
    }
    position += b.length;
  }
}

/** Walks a queue as walkQueuePages does; yields each page as messages that own their bytes. */
export async function* readQueuePages(
  redis: Redis,
  t: Transport,
  queue: Buffer | string,
  skip = 0,
  pageSize = PAGE,
): AsyncGenerator<QueueMessage[]> {
  const read = async (key: Buffer, start: number, stop: number) => {
    const items = await redis.lrangeBuffer(key, start, stop);
    let size = 0;
    for (const e of items) size += e.length;
    return { count: items.length, size, items };
  };
  for await (const { page, bucket, position, fromTail } of walkQueuePages(redis, t, queue, { skip, pageSize }, read)) {
    const { items } = page;
    const out = new Array<QueueMessage>(items.length);
    // LRANGE lists head to tail: the oldest message is the last.
    for (let j = items.length - 1, k = 0; j >= 0; j--, k++) {
      out[k] = {
        source: 'queue',
        bucket: bucket.step,
        key: bucket.key,
        position: position + k,
        fromTail: fromTail + k,
        raw: items[j],
      };
    }
    yield out;
  }
}

/** The same, one message at a time. */
export async function* readQueue(
  redis: Redis,
  t: Transport,
  queue: Buffer | string,
  skip = 0,
  pageSize = PAGE,
): AsyncGenerator<QueueMessage> {
  for await (const page of readQueuePages(redis, t, queue, skip, pageSize)) yield* page;
}

/** One entry of kombu's `unacked` hash: taken by a worker, not yet acknowledged. */
export interface UnackedEntry {
  source: 'unacked';
  tag: string;
  /** The whole hash value: `[payload, exchange, routing_key]`. */
  value: Buffer;
  /** The exact bytes of the original list element, when the value is kombu-written; else null. */
  payload: Buffer | null;
  exchange: string | null;
  routingKey: string | null;
  /** Unix seconds when the worker took it (score in unacked_index), or null. */
  since: number | null;
  error?: string;
}

/**
 * Splits an unacked value. kombu writes `[` + the original element + `, "<exchange>", "<routing_key>"]`
 * with Python's json, so the element's bytes are sliced out exactly; anything else is reported.
 */
export function parseUnackedValue(value: Buffer): Pick<UnackedEntry, 'payload' | 'exchange' | 'routingKey' | 'error'> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return { payload: null, exchange: null, routingKey: null, error: 'unacked value is not JSON' };
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[0] !== 'object' || parsed[0] === null) {
    return {
      payload: null,
      exchange: null,
      routingKey: null,
      error: 'unacked value is not [message, exchange, routing_key]',
    };
  }
  const exchange = typeof parsed[1] === 'string' ? parsed[1] : null;
  const routingKey = typeof parsed[2] === 'string' ? parsed[2] : null;
  const suffix = Buffer.from(`, ${pyJsonString(exchange ?? '')}, ${pyJsonString(routingKey ?? '')}]`);
  if (value[0] === 0x5b && value.subarray(value.length - suffix.length).equals(suffix)) {
    return { payload: value.subarray(1, value.length - suffix.length), exchange, routingKey };
  }
  return {
    payload: null,
    exchange,
    routingKey,
    error: 'unacked value not written by kombu: the original bytes cannot be recovered',
  };
}

/**
 * Reads the `unacked` hash in HSCAN pages with each entry's time from `unacked_index`, each entry once:
 * HSCAN may return an entry again when the hash shrinks (a rehash) while we scan, as it does when we
 * restore or delete what we read.
 */
export async function* readUnacked(redis: Redis, t: Transport): AsyncGenerator<UnackedEntry> {
  const seen = new Set<string>();
  let cursor = '0';
  let count = FIRST_PAGE;
  do {
    const scan = () => redis.hscanBuffer(unackedKey(t), cursor, 'COUNT', count);
    const [next, flat] = await expectingType(redis, unackedKey(t), 'hash', scan);
    cursor = next.toString();
    const tags: Buffer[] = [];
    const values: Buffer[] = [];
    let bytes = 0;
    for (let i = 0; i < flat.length; i += 2) {
      const tag = flat[i].toString('latin1');
      if (seen.has(tag)) continue;
      seen.add(tag);
      tags.push(flat[i]);
      values.push(flat[i + 1]);
      bytes += flat[i + 1].length;
    }
    count = nextPageSize(count, tags.length, bytes, PAGE);
    if (tags.length === 0) continue;
    const score = () => redis.call('ZMSCORE', unackedIndexKey(t), ...tags);
    const scores = (await expectingType(redis, unackedIndexKey(t), 'zset', score)) as (string | null)[];
    for (let i = 0; i < tags.length; i++) {
      yield {
        source: 'unacked',
        tag: tags[i].toString('utf8'),
        value: values[i],
        since: scores[i] === null ? null : Number(scores[i]),
        ...parseUnackedValue(values[i]),
      };
    }
  } while (cursor !== '0');
}

/** Redis's clock, in unix seconds (ages are measured against the server, not this machine). */
export async function redisNow(redis: Redis): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) + Number(us) / 1e6;
}
