import type { Redis } from 'ioredis';
import { unackedMutexKey, type Transport } from '../celery/transport.js';
import { inspectLock } from '../lock/locks.js';
import { clearMutexCommand, describeUnackedMutex, unackedMutexJson } from '../lock/unacked-mutex.js';
import { check, type CheckResult } from './check.js';

/**
 * kombu's `unacked_mutex` in the broker db. One with no TTL (kombu 4.6.7 died between SETNX and EXPIRE)
 * blocks every worker's restore and every loonctl requeue for ever: warn, with the command that clears it.
 */
export async function unackedMutexCheck(broker: Redis, t: Transport): Promise<CheckResult> {
  const h = await inspectLock(broker, unackedMutexKey(t).toString());
  if (h.pttl === -2) return check('unacked mutex', 'ok', 'free');
  const detail = `${h.name} held by ${describeUnackedMutex(h)}`;
  if (h.pttl !== -1) return check('unacked mutex', 'ok', detail, unackedMutexJson(h));
  const fix = `; no worker can restore unacked messages until it is cleared: ${clearMutexCommand(h)}`;
  return check('unacked mutex', 'warn', detail + fix, unackedMutexJson(h));
}
