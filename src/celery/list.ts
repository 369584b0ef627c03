import type { Redis } from 'ioredis';
import { expectingType } from '../redis/errors.js';
import { redisNow, PAGE } from './read.js';
import { nameOf } from './summary.js';
import { NotFoundError } from '../core/errors.js';
import {
  bindingPrefix,
  bucketKeys,
  bulkKeys,
  isInternalQueue,
  queueLabel,
  unackedIndexKey,
  unackedKey,
} from './transport.js';
import type { Transport } from './transport.js';

export interface QueueInfo {
  name: string;
  name_b64?: string;
  /** Ready messages per priority step, e.g. {"0": 12, "3": 0, ...}. */
  buckets: Record<string, number>;
  ready: number;
  unacked: number;
  /** Seconds since the oldest unacked message of this queue was taken; null without any. */
  oldest_unacked_age: number | null;
  internal: boolean;
  declared: boolean;
}

export async function scanAll(redis: Redis, match: Buffer, type?: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let cursor = '0';
  do {
    const args: (string | Buffer | number)[] = [cursor, 'MATCH', match, 'COUNT', 1000];
    if (type) args.push('TYPE', type);
    const [next, keys] = (await redis.callBuffer('SCAN', ...args)) as [Buffer, Buffer[]];
    cursor = next.toString();
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}

export function globEscape(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/[*?[\]\\]/g, '\\$&'), 'latin1');
}

/** Queue names (as bytes) from kombu's binding sets and from the list keys themselves. SCAN only. */
export async function discoverQueues(redis: Redis, t: Transport): Promise<{ names: Buffer[]; declared: Set<string> }> {
  const found = new Map<string, Buffer>();
  const declared = new Set<string>();
  const sep = t.sep.toString('latin1');
  // Only sets are bindings: a string under that name is someone else's key, skipped.
  for (const key of await scanAll(redis, Buffer.concat([globEscape(bindingPrefix(t)), Buffer.from('*')]), 'set')) {
    let cursor = '0';
    do {
      const [next, members] = (await redis.callBuffer('SSCAN', key, cursor, 'COUNT', 1000)) as [Buffer, Buffer[]];
      cursor = next.toString();
      for (const m of members) {
        const fields = m.toString('latin1').split(sep);
        const q = fields[fields.length - 1];
        if (q) {
          found.set(q, Buffer.from(q, 'latin1'));
          declared.add(q);
        }
      }
    } while (cursor !== '0');
  }
  const stepSuffix = new RegExp(`${sep.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)$`);
  for (const key of await scanAll(redis, Buffer.concat([globEscape(t.keyPrefix), Buffer.from('*')]), 'list')) {
    let name = key.subarray(t.keyPrefix.length).toString('latin1');
    const m = stepSuffix.exec(name);
    if (m && t.prioritySteps.includes(Number(m[1]))) name = name.slice(0, m.index);
    // loonctl's own working lists (messages held aside by a running move or purge) are not queues.
    if (name && !found.has(name) && !name.startsWith('loonctl:')) found.set(name, Buffer.from(name, 'latin1'));
  }
  return { names: [...found.values()], declared };
}

/**
 * Whether a queue exists: a bucket list with messages, messages an interrupted move or purge held aside
 * (its loonctl:pending/next/held keys: a whole-bucket move holds them all), or a name in a binding (compared byte
 * for byte).
 */
export async function queueExists(
  redis: Redis,
  t: Transport,
  queue: Buffer,
): Promise<{ exists: boolean; declared: boolean }> {
  const p = redis.pipeline();
  for (const b of bucketKeys(t, queue)) {
    const held = bulkKeys(t, b.key);
    p.llen(b.key).llen(held.pending).llen(held.next).llen(held.held);
  }
  const lens = (await p.exec()) ?? [];
  const { names, declared } = await discoverQueues(redis, t);
  const latin1 = queue.toString('latin1');
  const hasMessages = lens.some(([err, n]) => !err && Number(n) > 0);
  return { exists: hasMessages || names.some((n) => n.equals(queue)), declared: declared.has(latin1) };
}

/** Throws NotFoundError (exit 3) for a queue that is neither in a binding nor holds messages. */
export async function requireQueue(redis: Redis, t: Transport, queue: Buffer): Promise<void> {
  if ((await queueExists(redis, t, queue)).exists) return;
  const { names } = await discoverQueues(redis, t);
  const known = names
    .filter((n) => !isInternalQueue(n.toString('utf8')))
    .map(queueLabel)
    .sort();
  const list = `${known.slice(0, 20).join(', ') || 'none'}${known.length > 20 ? ', ...' : ''}`;
  throw new NotFoundError(`no queue '${queueLabel(queue)}' in the broker`, `known: ${list}`);
}

/** The routing key at the end of an unacked value, without parsing the whole message. */
function routingKeyOf(value: Buffer): string | null {
  const tail = value.subarray(Math.max(0, value.length - 600)).toString('utf8');
  const m = /"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"\]\s*$/.exec(tail);
  if (!m) return null;
  try {
    return JSON.parse(`"${m[2]}"`) as string;
  } catch {
    return null;
  }
}

export interface UnackedByQueue {
  count: Map<string, number>;
  oldest: Map<string, number>;
  total: number;
}

/** Unacked entries per routing key, with the oldest receive time, in HSCAN pages. */
export async function unackedByQueue(redis: Redis, t: Transport): Promise<UnackedByQueue> {
  const count = new Map<string, number>();
  const oldest = new Map<string, number>();
  let total = 0;
  let cursor = '0';
  do {
    const scan = () => redis.hscanBuffer(unackedKey(t), cursor, 'COUNT', PAGE);
    const [next, flat] = await expectingType(redis, unackedKey(t), 'hash', scan);
    cursor = next.toString();
    const tags: Buffer[] = [];
    const queues: (string | null)[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      tags.push(flat[i]);
      queues.push(routingKeyOf(flat[i + 1]));
    }
    if (tags.length === 0) continue;
    const score = () => redis.call('ZMSCORE', unackedIndexKey(t), ...tags);
    const scores = (await expectingType(redis, unackedIndexKey(t), 'zset', score)) as (string | null)[];
    queues.forEach((q, i) => {
      total++;
      const k = q ?? '';
      count.set(k, (count.get(k) ?? 0) + 1);
      const s = scores[i];
      if (s !== null && s !== undefined) oldest.set(k, Math.min(oldest.get(k) ?? Infinity, Number(s)));
    });
  } while (cursor !== '0');
  return { count, oldest, total };
}

/**
 * Every queue with ready messages per bucket (one pipelined round of LLENs), unacked messages routed
 * to it and the age of the oldest one. Internal queues (pidbox, celeryev) only with `all`.
 */
export async function listQueues(redis: Redis, t: Transport, all: boolean): Promise<QueueInfo[]> {
  const [{ names, declared }, unacked, now] = await Promise.all([
    discoverQueues(redis, t),
    unackedByQueue(redis, t),
    redisNow(redis),
  ]);
  const visible = names.filter((n) => all || !isInternalQueue(n.toString('utf8')));
  const p = redis.pipeline();
  for (const n of visible) for (const b of bucketKeys(t, n)) p.llen(b.key);
  const lens = (await p.exec()) ?? [];
  let i = 0;
  const out = visible.map((n) => {
    const buckets: Record<string, number> = {};
    let ready = 0;
    for (const step of t.prioritySteps) {
      const len = Number(lens[i++][1] ?? 0);
      buckets[String(step)] = len;
      ready += len;
    }
    const text = n.toString('utf8');
    const key = n.toString('latin1');
    const since = unacked.oldest.get(text);
    return {
      ...nameOf(n),
      buckets,
      ready,
      unacked: unacked.count.get(text) ?? 0,
      oldest_unacked_age: since === undefined ? null : Math.max(0, Math.round(now - since)),
      internal: isInternalQueue(text),
      declared: declared.has(key),
    };
  });
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Totals for doctor and cron: ready and unacked messages, oldest unacked age. */
export async function backlogSummary(
  redis: Redis,
  t: Transport,
): Promise<{ queues: number; ready: number; unacked: number; oldest_unacked_age: number | null }> {
  const queues = await listQueues(redis, t, false);
  const unacked = await unackedByQueue(redis, t);
  const ages = queues.map((q) => q.oldest_unacked_age).filter((a): a is number => a !== null);
  return {
    queues: queues.length,
    ready: queues.reduce((n, q) => n + q.ready, 0),
    unacked: unacked.total,
    oldest_unacked_age: ages.length ? Math.max(...ages) : null,
  };
}
