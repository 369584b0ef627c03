import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { LockBusyError } from '../../core/errors.js';
import { formatDuration } from '../../core/time-format.js';
import { metaKey } from '../../lock/keys.js';
import { currentOwner, forceRelease, type Holder, inspectLock } from '../../lock/locks.js';
import { clearMutexCommand, describeUnackedMutex, mutexTtlText, unackedMutexForm } from '../../lock/unacked-mutex.js';
import { newToken } from '../../lock/token.js';
import { Script } from '../../redis/script.js';
import { unackedMutexKey, type Transport } from '../transport.js';

/**
 * kombu's lock (a redis-py Lock: SET NX PX, compare-and-delete) plus, beside it, loonctl's lock
 * metadata, so that a mutex left by a loonctl that died is recognisable as loonctl's.
 * KEYS: mutex, meta. ARGV: token, ttl ms, metadata JSON. Returns 1 or 0.
 */
const ACQUIRE = new Script(
  'queue_mutex_acquire',
  `if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
return 1`,
);
const RELEASE = new Script(
  'queue_mutex_release',
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1], KEYS[2]) end return 0`,
);

/** kombu's restore lock: redis-py Lock on `unacked_mutex`, SET NX PX 300000 with a token. */
const MUTEX_TTL_MS = 300_000;
/** How long a mutex may stay without an expiry before a wait gives up on it. */
const NO_TTL_GRACE_MS = 1000;

/**
 * Runs `fn` holding kombu's `unacked_mutex`, so loonctl and a worker's restore_visible never restore
 * the same message twice. Waits up to `waitMs` for a worker that holds it; one with no TTL (kombu 4.6.7
 * died between SETNX and EXPIRE) fails after a second of grace, with the command that clears it.
 */
export async function withUnackedMutex<T>(
  redis: Redis,
  t: Transport,
  waitMs: number,
  fn: () => Promise<T>,
  /** Told once, before a wait, what holds the mutex (for the command to print). */
  onWait?: (what: string) => void,
): Promise<T> {
  const key = unackedMutexKey(t);
  const name = key.toString();
  const token = newToken();
  const owner = currentOwner('loonctl queue requeue/purge --unacked');
  const { host, pid, user, command } = owner;
  const acquiredAt = String(Date.now() * 1000);
  const meta = JSON.stringify({ token, host, pid: String(pid), user, command, acquired_at_us: acquiredAt });
  const deadline = performance.now() + waitMs;
  let noTtlSince: number | undefined;
  let told = false;
  for (;;) {
    if (Number(await ACQUIRE.run(redis, [key, metaKey(name)], [token, MUTEX_TTL_MS, meta])) === 1) break;
    const h = await inspectLock(redis, name).catch(() => undefined);
    // A mutex left by a loonctl on this host whose process is gone (kill -9, or a release sent to a master
    // that was then failed over) would block every restore for five minutes: take it over.
    const stale = h ? deadLoonctlToken(h) : null;
    if (stale !== null) {
      await RELEASE.run(redis, [key, metaKey(name)], [stale]);
      continue;
    }
    // kombu 4.6.7 sets the expiry right after SETNX: a mutex still without one a moment later never gets one.
    noTtlSince = h?.pttl === -1 ? (noTtlSince ?? performance.now()) : undefined;
    const hopeless = noTtlSince !== undefined && performance.now() - noTtlSince > NO_TTL_GRACE_MS;
    if (hopeless || performance.now() > deadline) throw await mutexBusy(redis, name);
    if (onWait && h && !told) {
      told = true;
      onWait(`waiting up to ${formatDuration(waitMs / 1000)} for ${name}, held by ${describeUnackedMutex(h)}`);
    }
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 100));
  }
  try {
    return await fn();
  } finally {
    await RELEASE.run(redis, [key, metaKey(name)], [token]).catch(() => {});
  }
}

/** The holder's token when it is a loonctl on this host whose process no longer exists, else null. */
function deadLoonctlToken(h: Holder): string | null {
  if (!h.token) return null;
  // loonctl's metadata beside the mutex, or (older runs) a token that names host and pid.
  const legacy = /^loonctl:(.*):(\d+):[0-9a-f]+$/.exec(h.token);
  const host = h.kind === 'loonctl' && h.meta ? h.meta.host : legacy?.[1];
  const pid = Number(h.kind === 'loonctl' && h.meta ? h.meta.pid : legacy?.[2]);
  if (host !== hostname() || !Number.isInteger(pid) || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH' ? h.token : null;
  }
}

/** Who holds the mutex (loonctl itself, a redis-py worker, kombu 4.6.7), its TTL left, and what to do. */
async function mutexBusy(redis: Redis, name: string): Promise<LockBusyError> {
  const h = await inspectLock(redis, name);
  const clear = `clear it: ${clearMutexCommand(h)}`;
  if (h.kind === 'loonctl' && h.meta) {
    const m = h.meta;
    const since = m.acquired_at_us ? `, since ${new Date(Number(m.acquired_at_us) / 1000).toISOString()}` : '';
    const who = `${m.user ? `${m.user}@` : ''}${m.host} pid ${m.pid}`;
    return new LockBusyError(
      `${name} is held by loonctl itself (${who}${since}, ${mutexTtlText(h.pttl)}), not by a worker`,
      `if that loonctl is no longer running (it died mid-restore), ${clear}`,
    );
  }
  const what = `${name} is held by ${describeUnackedMutex(h)}`;
  if (h.pttl === -1) {
    return new LockBusyError(
      `${what}: no worker can restore unacked messages until it is cleared`,
      `a kombu 4.6.7 worker that died between SETNX and EXPIRE leaves it so; ${clear}`,
    );
  }
  if (unackedMutexForm(h) === 'kombu-4.6.7') {
    return new LockBusyError(
      `${what}: a worker is restoring unacked messages, or restored them lately`,
      'kombu 4.6.7 never deletes it on Python 3: it lingers its full 300 s after every restore; ' +
        'wait that long with --mutex-wait 5m',
    );
  }
  return new LockBusyError(`${what}: a worker is restoring unacked messages right now`, 'try again in a moment');
}

/** Deletes the mutex (and its metadata) only while it still holds `token`: a stale one of loonctl's. */
export async function clearStaleUnackedMutex(redis: Redis, t: Transport, token: string): Promise<boolean> {
  return (await forceRelease(redis, unackedMutexKey(t).toString(), token)).deleted;
}
