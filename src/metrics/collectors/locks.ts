import type { Redis } from 'ioredis';
import { listLocks } from '../../lock/list.js';
import type { Holder } from '../../lock/locks.js';
import { FamilySet } from '../families.js';

/** When the lock was taken (unix seconds): loonctl's metadata, or the time inside a redis-py uuid1 token. */
function takenAt(h: Holder): number | null {
  const us = Number(h.meta?.acquired_at_us);
  if (Number.isFinite(us) && us > 0) return us / 1e6;
  const t = h.uuid1 ? Date.parse(h.uuid1.time) : NaN;
  return Number.isFinite(t) ? t / 1000 : null;
}

/**
 * Locks held in LoonFlow's Redis: a count per kind (kombu, redis-py, loonctl, celery-once, ...), and the
 * age and remaining TTL of the `maxLocks` oldest, so a lock per task argument cannot flood the series.
 */
export async function lockFamilies(redis: Redis, match: string, maxLocks: number, now: number): Promise<FamilySet> {
  const locks = await listLocks(redis, match);
  const set = new FamilySet();
  const kinds = new Map<string, number>();
  for (const h of locks) kinds.set(h.kind, (kinds.get(h.kind) ?? 0) + 1);
  const held = set.gauge('loonctl_locks_held', "Locks held, by kind (SCAN of LoonFlow's Redis, never KEYS).");
  for (const [kind, n] of [...kinds.entries()].sort()) held.set({ kind }, n);
  const aged = locks
    .map((h) => ({ h, at: takenAt(h) }))
    .sort((a, b) => (a.at ?? Infinity) - (b.at ?? Infinity) || (a.h.name < b.h.name ? -1 : 1))
    .slice(0, maxLocks);
  const age = set.gauge(
    'loonctl_lock_age_seconds',
    `Seconds since the lock was taken, when known (loonctl metadata or a uuid1 token); the ${maxLocks} oldest locks.`,
  );
  const ttl = set.gauge(
    'loonctl_lock_ttl_seconds',
    `Seconds until the lock expires, -1 when it never does; the ${maxLocks} oldest locks.`,
  );
  for (const { h, at } of aged) {
    if (at !== null) age.set({ lock: h.name }, Math.max(0, now - at));
    ttl.set({ lock: h.name }, h.pttl < 0 ? -1 : h.pttl / 1000);
  }
  return set;
}
