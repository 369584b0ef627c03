import type { Redis } from 'ioredis';
import { decode } from '../decode.js';
import type { MessageFilter } from '../filter.js';
import { readUnacked, type UnackedEntry } from '../read.js';
import { bindingPrefix, bucketKey, bucketOf, unackedIndexKey, unackedKey, type Transport } from '../transport.js';
import { RESTORE_UNACKED } from './scripts.js';
import { confirmWrites, interrupted } from '../../redis/durability.js';

export interface RestoreOptions {
  queue?: string;
  ids?: Set<string>;
  /** Only entries a worker took at least this many seconds ago. */
  olderThanS: number;
  includeEta: boolean;
  filter: MessageFilter | null;
  dryRun: boolean;
  now: number;
}

export interface RestoreItem {
  tag: string;
  id: string | null;
  task: string | null;
  queue: string | null;
  bucket: number;
  age: number | null;
  eta: string | null;
}

export interface RestoreResult {
  matched: number;
  restored: number;
  /** Entries younger than the threshold (probably held by a live worker). */
  young: number;
  /** ETA still in the future: listed, restored only with --include-eta. */
  etaFuture: RestoreItem[];
  /** Unreadable or unroutable entries, left in place. */
  failed: { tag: string; reason: string }[];
  /** Matched but acked or restored by someone else meanwhile. */
  vanished: number;
  items: RestoreItem[];
}

/** Queues an entry goes back to: its routing key on the default exchange, else the exchange's bindings. */
async function targetQueues(redis: Redis, t: Transport, u: UnackedEntry, cache: Map<string, string[]>): Promise<string[]> {
  if (!u.exchange) return u.routingKey ? [u.routingKey] : [];
  const key = `${u.exchange}\u0000${u.routingKey}`;
  if (!cache.has(key)) {
    const members = (await redis.smembersBuffer(Buffer.concat([bindingPrefix(t), Buffer.from(u.exchange)]))) as Buffer[];
    const sep = t.sep.toString('latin1');
    const queues = members
      .map((m) => m.toString('latin1').split(sep))
      .filter(([rk]) => rk === u.routingKey || rk === '')
      .map((f) => Buffer.from(f[f.length - 1]!, 'latin1').toString('utf8'));
    cache.set(key, [...new Set(queues)]);
  }
  return cache.get(key)!;
}

/**
 * Puts unacked entries back on their queues the way kombu's restore does, atomically per message,
 * into the message's priority bucket, pushed to the end workers take from (runs next), bytes
 * unchanged. The caller holds `unacked_mutex`.
 */
export async function restoreUnacked(redis: Redis, t: Transport, o: RestoreOptions): Promise<RestoreResult> {
  const res: RestoreResult = { matched: 0, restored: 0, young: 0, etaFuture: [], failed: [], vanished: 0, items: [] };
  try {
    return await restoreInBatches(redis, t, o, res);
  } catch (e) {
    throw interrupted(
      e,
      `${res.restored} entr${res.restored === 1 ? 'y' : 'ies'} restored before that; the batch in flight ` +
        `(up to ${BATCH}) may or may not have been applied; nothing is lost or duplicated`,
      'run the same command again to restore the rest',
    );
  }
}

const BATCH = 200;

async function restoreInBatches(
  redis: Redis,
  t: Transport,
  o: RestoreOptions,
  res: RestoreResult,
): Promise<RestoreResult> {
  const cache = new Map<string, string[]>();
  let batchKeys: Buffer[] = [];
  let batchArgs: (string | Buffer)[] = [];
  let batchCount = 0;
  const flush = async () => {
    if (batchCount === 0) return;
    const n = Number(await RESTORE_UNACKED.run(redis, [unackedKey(t), unackedIndexKey(t), ...batchKeys], batchArgs));
    await confirmWrites(redis);
    res.restored += n;
    res.vanished += batchCount - n;
    batchKeys = [];
    batchArgs = [];
    batchCount = 0;
  };
  for await (const u of readUnacked(redis, t)) {
    if (!u.payload) {
      // An unreadable entry may be this queue's: report it (never by task id, which it cannot show).
      if (o.ids === undefined && (o.queue === undefined || u.routingKey === null || u.routingKey === o.queue)) res.failed.push({ tag: u.tag, reason: u.error ?? 'unreadable' });
      continue;
    }
    if (o.queue !== undefined && u.routingKey !== o.queue) continue;
    const m = await decode(u.payload);
    if (o.ids && !(m.id !== null && o.ids.has(m.id))) continue;
    if (o.filter && !o.filter(m, u.payload)) continue;
    const age = u.since === null ? null : o.now - u.since;
    const item: RestoreItem = { tag: u.tag, id: m.id, task: m.task, queue: u.routingKey, bucket: bucketOf(t, m.priority), age, eta: m.eta };
    if (o.olderThanS > 0 && (age === null || age < o.olderThanS)) {
      res.young++;
      continue;
    }
    if (m.eta && Date.parse(m.eta) > o.now * 1000 && !o.includeEta) {
      res.etaFuture.push(item);
      continue;
    }
    const queues = await targetQueues(redis, t, u, cache);
    if (queues.length !== 1) {
      res.failed.push({ tag: u.tag, reason: queues.length ? `exchange '${u.exchange}' routes it to ${queues.length} queues` : `no queue bound for exchange '${u.exchange}' routing key '${u.routingKey}'` });
      continue;
    }
    res.matched++;
    res.items.push(item);
    if (o.dryRun) continue;
    batchKeys.push(bucketKey(t, queues[0]!, item.bucket));
    batchArgs.push(u.tag, String(batchKeys.length + 2), u.value, u.payload);
    batchCount++;
    if (batchCount >= BATCH) await flush();
  }
  await flush();
  return res;
}
