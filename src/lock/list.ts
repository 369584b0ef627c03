import type { Redis } from 'ioredis';
import { isCompanionKey, lockKind } from './keys.js';
import { inspectLock, type Holder } from './locks.js';

/**
 * Lock-like keys matching a glob (SCAN, never KEYS): string keys whose value is a token, or whose
 * name follows a known lock convention (kombu, celery-once, python-redis-lock, Django cache locks).
 */
export async function listLocks(redis: Redis, match: string): Promise<Holder[]> {
  const names: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000, 'TYPE', 'string');
    cursor = next;
    names.push(...keys.filter((k) => !isCompanionKey(k) && !k.startsWith('ticket_day_count_')));
  } while (cursor !== '0');
  if (names.length === 0) return [];
  const values: (string | null)[] = [];
  for (let i = 0; i < names.length; i += 1000) values.push(...(await redis.mget(...names.slice(i, i + 1000))));
  const candidates = names.filter((n, i) => {
    const v = values[i] ?? '';
    return /^[0-9a-f]{32}$/.test(v) || lockKind(n, v, false) !== 'unknown';
  });
  const out: Holder[] = [];
  for (const n of candidates.sort()) out.push(await inspectLock(redis, n));
  return out.filter((h) => h.pttl !== -2);
}
