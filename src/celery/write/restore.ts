import type { Redis } from 'ioredis';
import { NotFoundError, ProblemFound } from '../../core/errors.js';
import { decode } from '../decode.js';
import type { MessageFilter } from '../filter.js';
import { readUnacked, type UnackedEntry } from '../read.js';
import {
  bindingPrefix,
  bucketKey,
  bucketOf,
  isKombuKeyName,
  unackedIndexKey,
  unackedKey,
  type Transport,
} from '../transport.js';
import { redisFailure } from '../../redis/errors.js';
import { markRedelivered } from './routing.js';
import { RESTORE_UNACKED } from './scripts.js';
import { confirmWrites, interrupted } from '../../redis/durability.js';

export interface RestoreOptions {
  queue?: string;
  ids?: Set<string>;
  /** Only these unacked entries (hash fields), e.g. the orphans a census found. */
  tags?: Set<string>;
  /** Only entries a worker took at least this many seconds ago. */
  olderThanS: number;
  includeEta: boolean;
  filter: MessageFilter | null;
  dryRun: boolean;
  now: number;
  /**
   * Push the element byte for byte, without the `redelivered` marks kombu's restore sets (default false:
   * marked like kombu, so Celery's worker_deduplicate_successful_tasks recognises a redelivery).
   */
  keepBytes?: boolean;
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
  /** restored + vanished + failed. */
  matched: number;
  restored: number;
  /** Entries younger than the threshold (probably held by a live worker). */
  young: number;
  youngItems: RestoreItem[];
  /** ETA still in the future: listed, restored only with --include-eta. */
  etaFuture: RestoreItem[];
  /** Unreadable or unroutable entries, or a target key that is not a list: left in place. */
  failed: { tag: string; id: string | null; reason: string }[];
  /** Matched but acked or restored by someone else meanwhile. */
  vanished: number;
  vanishedItems: RestoreItem[];
  /** Entries restored (or, in a dry run, that would be). */
  items: RestoreItem[];
}

/** Queues an entry goes back to: its routing key on the default exchange, else the exchange's bindings. */
async function targetQueues(
  redis: Redis,
  t: Transport,
  u: UnackedEntry,
  cache: Map<string, string[]>,
): Promise<string[]> {
  if (!u.exchange) return u.routingKey ? [u.routingKey] : [];
  const key = `${u.exchange}\u0000${u.routingKey}`;
  if (!cache.has(key)) {
    const members = await redis.smembersBuffer(Buffer.concat([bindingPrefix(t), Buffer.from(u.exchange)]));
    const sep = t.sep.toString('latin1');
    const queues = members
      .map((m) => m.toString('latin1').split(sep))
      .filter(([rk]) => rk === u.routingKey || rk === '')
      .map((f) => Buffer.from(f[f.length - 1], 'latin1').toString('utf8'));
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
  const res: RestoreResult = {
    matched: 0,
    restored: 0,
    young: 0,
    youngItems: [],
    etaFuture: [],
    failed: [],
    vanished: 0,
    vanishedItems: [],
    items: [],
  };
  try {
    await restoreInto(redis, t, o, res);
  } catch (e) {
    // A failover or a dropped connection mid-batch: say the batch in flight may or may not have applied
    // (each entry is atomic: nothing lost or doubled) and that a rerun finishes the job.
    const soFar = `restored ${res.restored} of ${res.matched} matched before that`;
    const cut = interrupted(
      e,
      `${soFar}; the batch in flight may or may not have been applied`,
      'run the same command again',
    );
    throw cut === e ? redisFailure(e, soFar) : cut;
  }
  return res;
}

async function restoreInto(redis: Redis, t: Transport, o: RestoreOptions, res: RestoreResult): Promise<void> {
  const cache = new Map<string, string[]>();
  let batch: { item: RestoreItem; key: Buffer; value: Buffer; bytes: Buffer }[] = [];
  const fail = (tag: string, id: string | null, reason: string) => {
    res.matched++;
    res.failed.push({ tag, id, reason });
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const keys = [unackedKey(t), unackedIndexKey(t), ...batch.map((b) => b.key)];
    const args = batch.flatMap((b, i) => [b.item.tag, String(i + 3), b.value, b.bytes]);
    const [done, wrong] = (await RESTORE_UNACKED.run(redis, keys, args)) as [string[], string[]];
    await confirmWrites(redis);
    const restored = new Set(done.map(String));
    const wrongType = new Set(wrong.map(String));
    for (const b of batch) {
      if (restored.has(b.item.tag)) {
        res.restored++;
        res.items.push(b.item);
      } else if (wrongType.has(b.item.tag)) {
        res.failed.push({ tag: b.item.tag, id: b.item.id, reason: `key '${b.key.toString('latin1')}' is not a list` });
      } else {
        res.vanished++;
        res.vanishedItems.push(b.item);
      }
    }
    batch = [];
  };
  for await (const u of readUnacked(redis, t)) {
    if (o.tags && !o.tags.has(u.tag)) continue;
    if (!u.payload) {
      // An unreadable entry may be this queue's: report it (never by task id, which it cannot show).
      if (o.ids === undefined && (o.queue === undefined || u.routingKey === null || u.routingKey === o.queue))
        fail(u.tag, null, u.error ?? 'unreadable');
      continue;
    }
    if (o.queue !== undefined && u.routingKey !== o.queue) continue;
    const m = await decode(u.payload);
    if (o.ids && !(m.id !== null && o.ids.has(m.id))) continue;
    if (o.filter && !o.filter(m, u.payload)) continue;
    const age = u.since === null ? null : o.now - u.since;
    const item: RestoreItem = {
      tag: u.tag,
      id: m.id,
      task: m.task,
      queue: u.routingKey,
      bucket: bucketOf(t, m.priority),
      age,
      eta: m.eta,
    };
    if (o.olderThanS > 0 && (age === null || age < o.olderThanS)) {
      res.young++;
      res.youngItems.push(item);
      continue;
    }
    if (m.eta && Date.parse(m.eta) > o.now * 1000 && !o.includeEta) {
      res.etaFuture.push(item);
      continue;
    }
    const queues = await targetQueues(redis, t, u, cache);
    if (queues.length !== 1) {
      fail(
        u.tag,
        m.id,
        queues.length
          ? `exchange '${u.exchange}' routes it to ${queues.length} queues`
          : `no queue bound for exchange '${u.exchange}' routing key '${u.routingKey}'`,
      );
      continue;
    }
    if (isKombuKeyName(queues[0])) {
      fail(u.tag, m.id, `routed to '${queues[0]}', one of kombu's own keys`);
      continue;
    }
    res.matched++;
    if (o.dryRun) {
      res.items.push(item);
      continue;
    }
    batch.push({
      item,
      key: bucketKey(t, queues[0], item.bucket),
      value: u.value,
      bytes: o.keepBytes ? u.payload : markRedelivered(u.payload),
    });
    if (batch.length >= 200) await flush();
  }
  await flush();
}

/** Below this age an entry is likely a live worker's, whatever visibility timeout was given. */
export const MIN_UNCONFIRMED_AGE_S = 60;

/**
 * Whether restoring entries this young needs the operator's confirmation (`--yes`) and a warning: younger
 * than the visibility timeout, or so young (a visibility timeout of 0 included) that a live worker holds them.
 */
export function restoreNeedsConfirmation(olderThanS: number, visibilityTimeoutS: number): boolean {
  return olderThanS < visibilityTimeoutS || olderThanS < MIN_UNCONFIRMED_AGE_S;
}

export interface IdOutcome {
  id: string;
  outcome: 'restored' | 'not found' | 'refused';
  /** Why it was not restored. */
  reason?: string;
}

/** What became of each task id asked for by `queue requeue <id>...` (an id may have several entries). */
export function requeueIdOutcomes(ids: string[], r: RestoreResult, olderThanS: number): IdOutcome[] {
  const why = new Map<string, string>();
  const note = (id: string | null, reason: string) => {
    if (id !== null && !why.has(id)) why.set(id, reason);
  };
  for (const i of r.youngItems)
    note(
      i.id,
      `taken ${i.age === null ? 'at an unknown time' : `${Math.round(i.age)}s ago`}, younger than ${olderThanS}s: ` +
        'a live worker may hold it (--older-than 0 to include it)',
    );
  for (const i of r.etaFuture) note(i.id, `ETA ${i.eta} is still ahead (--include-eta to restore it)`);
  for (const f of r.failed) note(f.id, f.reason);
  for (const i of r.vanishedItems) note(i.id, 'acked or restored by someone else meanwhile');
  const restored = new Set(r.items.map((i) => i.id));
  return ids.map((id) => {
    if (restored.has(id)) return { id, outcome: 'restored' };
    const reason = why.get(id);
    return reason === undefined ? { id, outcome: 'not found' } : { id, outcome: 'refused', reason };
  });
}

/** Throws unless every id was restored: NotFoundError (3) when one has no unacked entry, else ProblemFound (1). */
export function assertAllRequeued(outcomes: IdOutcome[]): void {
  const missing = outcomes.filter((o) => o.outcome === 'not found').map((o) => o.id);
  if (missing.length)
    throw new NotFoundError(
      `no unacked entry for ${missing.join(', ')}`,
      'loonctl queue show <id> says where a task is',
    );
  const refused = outcomes.filter((o) => o.outcome === 'refused');
  if (refused.length) throw new ProblemFound(`not restored: ${refused.map((o) => `${o.id}: ${o.reason}`).join('; ')}`);
}
