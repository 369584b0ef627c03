import type { Redis } from 'ioredis';
import type { ExportRecord } from '../export-format.js';
import { discoverQueues } from '../list.js';
import { isInternalQueue, type Transport } from '../transport.js';
import { bulkTake } from '../write/bulk.js';
import { withUnackedMutex } from '../write/mutex.js';
import { purgeUnacked } from '../write/purge-unacked.js';
import { revokeBroadcast, type AckResult, type CallOptions } from './calls.js';
import type { Mailbox } from './names.js';

export interface RevokeTaskOptions extends CallOptions {
  terminate?: boolean;
  /** Signal for `terminate` (default SIGTERM). */
  signalName?: string;
  dryRun: boolean;
  /** Called with the messages before they are removed (purge's `--backup`); must have flushed them when it resolves. */
  backup?: (records: ExportRecord[]) => Promise<void>;
  /** Called with the SHA1s of backed-up messages that a worker took first (not removed). */
  retract?: (sha1s: string[]) => Promise<void>;
  mutexWaitMs?: number;
}

export interface RevokeTaskResult {
  /** The workers that acknowledged the revoke (null in a dry run: nothing is sent). */
  revoke: AckResult | null;
  /** Messages removed from ready lists, per queue (or found, in a dry run). */
  fromQueues: { queue: string; removed: number }[];
  /** Entries removed from `unacked` (or found, in a dry run). */
  fromUnacked: number;
  /** Matched but taken or acked by a worker before the removal. */
  vanished: number;
  /** Ids in no ready list and not in `unacked` (running early-ack tasks, finished, unknown): revoked only. */
  notFound: string[];
}

/**
 * `task revoke`: broadcasts Celery's revoke first (so a live worker skips a prefetched or ETA copy and,
 * with `terminate`, signals a running one), then removes the messages from every queue's ready lists
 * and from `unacked` (under `unacked_mutex`), each removal atomic and preceded by its backup.
 * Celery keeps revokes in worker memory only: a worker started later no longer knows them.
 */
export async function revokeTasks(
  redis: Redis,
  t: Transport,
  m: Mailbox,
  ids: string[],
  o: RevokeTaskOptions,
): Promise<RevokeTaskResult> {
  const wanted = new Set(ids);
  const revoke = o.dryRun ? null : await revokeBroadcast(redis, m, ids, o);
  const seen = new Set<string>();
  const filter = (msg: { id: string | null }) => {
    if (msg.id === null || !wanted.has(msg.id)) return false;
    seen.add(msg.id);
    return true;
  };
  const res: RevokeTaskResult = { revoke, fromQueues: [], fromUnacked: 0, vanished: 0, notFound: [] };
  const { names } = await discoverQueues(redis, t);
  for (const q of names
    .map((n) => n.toString('utf8'))
    .filter((n) => !isInternalQueue(n))
    .sort()) {
    const r = await bulkTake(redis, t, q, {
      mode: 'purge',
      filter,
      dryRun: o.dryRun,
      backup: o.backup,
      retract: o.retract,
      signal: o.signal,
    });
    const removed = o.dryRun ? r.matched : r.done;
    if (removed) res.fromQueues.push({ queue: q, removed });
    res.vanished += r.vanished;
  }
  const fromUnacked = () =>
    purgeUnacked(redis, t, null, { filter, dryRun: o.dryRun, backup: o.backup, retract: o.retract });
  const u = o.dryRun ? await fromUnacked() : await withUnackedMutex(redis, t, o.mutexWaitMs ?? 10_000, fromUnacked);
  res.fromUnacked = o.dryRun ? u.matched : u.done;
  res.vanished += u.vanished;
  res.notFound = ids.filter((id) => !seen.has(id));
  return res;
}
