import type { Redis } from 'ioredis';
import { globToRegExp } from '../celery/filter.js';
import { unackedMutexKey, type Transport } from '../celery/transport.js';
import { inspectLock, type Holder } from './locks.js';

/** Where a lock was found: the counters/locks Redis, or Celery's broker (kombu's own keys live there). */
export type LockSource = 'redis' | 'broker';

/**
 * kombu's `unacked_mutex` in the broker db, when its name matches the glob. kombu writes it only there,
 * and the broker URL may name another db or server than the counters. Undefined when absent.
 */
export async function brokerUnackedMutex(broker: Redis, t: Transport, match: string): Promise<Holder | undefined> {
  const name = unackedMutexKey(t).toString();
  if (!globToRegExp(match).test(name)) return undefined;
  const h = await inspectLock(broker, name);
  return h.pttl === -2 ? undefined : h;
}

/** The name of kombu's mutex for this transport. */
export function isUnackedMutexName(t: Transport, name: string): boolean {
  return unackedMutexKey(t).toString() === name;
}
