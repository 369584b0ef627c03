import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { LockBusyError } from '../../core/errors.js';
import { Script } from '../../redis/script.js';
import { unackedMutexKey, type Transport } from '../transport.js';

const RELEASE = new Script('queue_mutex_release', `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`);

/** kombu's restore lock: redis-py Lock on `unacked_mutex`, SET NX PX 300000 with a token. */
const MUTEX_TTL_MS = 300_000;

/**
 * loonctl's token names its holder (kombu only ever compares tokens, any value will do), so a mutex left by a
 * loonctl that died, or whose release went to a master that was failed over, is recognised and taken over
 * instead of blocking every restore for five minutes.
 */
function ownToken(): string {
  return `loonctl:${hostname()}:${process.pid}:${randomBytes(8).toString('hex')}`;
}

/** The token of a loonctl on this host whose process is gone (kill -9, or a run that ended mid-failover). */
function leftByDeadLoonctl(token: string | null): boolean {
  const m = token ? /^loonctl:(.*):(\d+):[0-9a-f]+$/.exec(token) : null;
  if (!m || m[1] !== hostname() || Number(m[2]) === process.pid) return false;
  try {
    process.kill(Number(m[2]), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Runs `fn` holding kombu's `unacked_mutex`, so loonctl and a worker's restore_visible never restore
 * the same message twice. Waits up to `waitMs` for a worker that holds it.
 */
export async function withUnackedMutex<T>(redis: Redis, t: Transport, waitMs: number, fn: () => Promise<T>): Promise<T> {
  const key = unackedMutexKey(t);
  const token = ownToken();
  const deadline = performance.now() + waitMs;
  for (;;) {
    if ((await redis.set(key, token, 'PX', MUTEX_TTL_MS, 'NX')) === 'OK') break;
    const holder = await redis.get(key);
    if (leftByDeadLoonctl(holder)) {
      await RELEASE.run(redis, [key], [holder!]);
      continue;
    }
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
