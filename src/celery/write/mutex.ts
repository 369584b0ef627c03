import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LockBusyError } from '../../core/errors.js';
import { Script } from '../../redis/script.js';
import { unackedMutexKey, type Transport } from '../transport.js';

const RELEASE = new Script('queue_mutex_release', `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`);

/** kombu's restore lock: redis-py Lock on `unacked_mutex`, SET NX PX 300000 with a token. */
const MUTEX_TTL_MS = 300_000;

/**
 * Runs `fn` holding kombu's `unacked_mutex`, so loonctl and a worker's restore_visible never restore
 * the same message twice. Waits up to `waitMs` for a worker that holds it.
 */
export async function withUnackedMutex<T>(redis: Redis, t: Transport, waitMs: number, fn: () => Promise<T>): Promise<T> {
  const key = unackedMutexKey(t);
  const token = randomBytes(16).toString('hex');
  const deadline = performance.now() + waitMs;
  for (;;) {
    if ((await redis.set(key, token, 'PX', MUTEX_TTL_MS, 'NX')) === 'OK') break;
    if (performance.now() > deadline) {
      throw new LockBusyError(`${key.toString()} is held: a worker is restoring unacked messages right now`, 'try again in a moment');
    }
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 100));
  }
  try {
    return await fn();
  } finally {
    await RELEASE.run(redis, [key], [token]).catch(() => {});
  }
}
