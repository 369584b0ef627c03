import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { LockBusyError, LockLostError } from '../../core/errors.js';
import { TAKE_OVER_LOCK, TOUCH_LOCK } from './chunk-scripts.js';

/** A lock not extended for this long belongs to a run that is gone (each step and a timer extend it). */
export const BULK_LOCK_TTL_MS = 60_000;

export { bulkKeys, type BulkKeys } from '../transport.js';

export interface BulkLock {
  token: string;
  release(): Promise<void>;
}

/** Whether the holder named in a lock value is a process of this host that no longer exists. */
function holderIsGone(value: string): boolean {
  const [host, pidText] = value.split(' ');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Takes the bucket's lock: free, or held by a loonctl of this host that died (SIGKILL), or expired. A
 * holder on another host may be alive: wait until its lock expires (it is extended while it works).
 */
export async function acquireBulkLock(redis: Redis, key: Buffer, what: string): Promise<BulkLock> {
  const token = `${hostname()} ${process.pid} ${randomBytes(8).toString('hex')}`;
  const deadline = Date.now() + BULK_LOCK_TTL_MS + 5000;
  for (;;) {
    if ((await redis.set(key, token, 'PX', BULK_LOCK_TTL_MS, 'NX')) === 'OK') break;
    const holder = await redis.get(key);
    if (holder !== null && holderIsGone(holder)) {
      if ((await TAKE_OVER_LOCK.run(redis, [key], [holder, token, BULK_LOCK_TTL_MS])) === 1) break;
      continue;
    }
    const [host, pid] = (holder ?? '').split(' ');
    if (holder !== null && (host === hostname() || Date.now() > deadline)) {
      throw new LockBusyError(
        `another loonctl (pid ${pid} on ${host}) is moving or purging ${what}`,
        'wait for it to finish, then run this again',
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const timer = setInterval(() => {
    TOUCH_LOCK.run(redis, [key], [token, BULK_LOCK_TTL_MS]).catch(() => {});
  }, BULK_LOCK_TTL_MS / 4);
  timer.unref();
  return {
    token,
    release: async () => {
      clearInterval(timer);
      await TOUCH_LOCK.run(redis, [key], [token, 0]);
    },
  };
}

export function lockLost(what: string): LockLostError {
  return new LockLostError(
    `lost the lock on ${what} (not extended for ${BULK_LOCK_TTL_MS / 1000} s: another loonctl took over)`,
    'the messages this run held were put back by the run that took over; nothing is lost',
  );
}
