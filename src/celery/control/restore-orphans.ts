import type { Redis } from 'ioredis';
import type { MessageFilter } from '../filter.js';
import { redisNow } from '../read.js';
import type { Transport } from '../transport.js';
import { withUnackedMutex } from '../write/mutex.js';
import { restoreUnacked, type RestoreResult } from '../write/restore.js';
import type { Census } from './census.js';
import { classifyUnacked, readUnackedRefs, type Classification } from './orphans.js';

export interface RestoreOrphansOptions {
  /** Taken before this call: the unacked entries are read after it, so anything acked meanwhile is gone. */
  census: Census;
  queue?: string;
  /** Only these task ids (still only if they are orphans). */
  ids?: Set<string>;
  filter: MessageFilter | null;
  /** Orphaned ETA tasks too (default true: their worker is dead, so nothing else runs them before kombu's restore). */
  includeEta?: boolean;
  dryRun: boolean;
  /** How long to wait for a worker that holds `unacked_mutex` (default 10 s). */
  mutexWaitMs?: number;
}

export interface RestoreOrphansResult {
  classification: Classification;
  restore: RestoreResult;
}

/**
 * Puts back on their queues exactly the unacked entries the census shows are orphans (or, when the
 * census cannot be trusted, those older than the visibility timeout), holding `unacked_mutex`, each
 * one atomically with the existing restore (skipped if its worker acked it meanwhile).
 */
export async function restoreOrphans(
  redis: Redis,
  t: Transport,
  o: RestoreOrphansOptions,
): Promise<RestoreOrphansResult> {
  const run = async (): Promise<RestoreOrphansResult> => {
    const refs = await readUnackedRefs(redis, t);
    const classification = classifyUnacked(refs, o.census, t.visibilityTimeoutS);
    const tags = new Set(
      classification.entries
        .filter((e) => e.status === 'orphan' && (o.queue === undefined || e.queue === o.queue))
        .map((e) => e.tag),
    );
    const restore = await restoreUnacked(redis, t, {
      queue: o.queue,
      ids: o.ids,
      tags,
      olderThanS: 0,
      includeEta: o.includeEta ?? true,
      filter: o.filter,
      dryRun: o.dryRun,
      now: await redisNow(redis),
    });
    return { classification, restore };
  };
  return o.dryRun ? run() : withUnackedMutex(redis, t, o.mutexWaitMs ?? 10_000, run);
}
