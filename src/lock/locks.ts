import { hostname, userInfo } from 'node:os';
import type { Redis } from 'ioredis';
import { commandForMetadata, maskCommandText } from './command-line.js';
import { UnavailableError } from '../core/errors.js';
import { confirmsWrites, confirmWrites, NotReplicatedError } from '../redis/durability.js';
import { fenceKey, lockKind, metaKey, type LockKind } from './keys.js';
import { explainWrongType, WrongTypeError } from '../redis/errors.js';
import { ACQUIRE, EXTEND, FORCE_RELEASE, RELEASE } from './scripts.js';

function notALock(name: string, type: string): WrongTypeError {
  const hint = 'it is not a lock: loonctl will not inspect, take or delete it';
  return new WrongTypeError(name, type, 'lock (a string)', hint);
}

/** Runs a lock script; a key of another type gives a WrongTypeError naming it (the scripts write nothing first). */
function asLock<T>(redis: Redis, name: string, fn: () => Promise<T>): Promise<T> {
  return fn().catch((e: unknown) => explainWrongType(redis, e, name, 'lock (a string)'));
}
import { decodeUuid1, newToken, type Uuid1Info } from './token.js';
import { callBudget, withDeadline } from './deadline.js';

export interface Holder {
  name: string;
  token: string;
  /** Milliseconds left; -1 never expires; -2 gone. */
  pttl: number;
  kind: LockKind;
  fence: string | null;
  meta: Record<string, string> | null;
  uuid1: Uuid1Info | null;
}

export interface Acquired {
  name: string;
  token: string;
  fence: string;
  ttl_ms: number;
  expires_at: string;
}

export interface Owner {
  host: string;
  pid: number;
  user: string;
  command: string;
}

/**
 * Who takes a lock. `command` as an argv is stored as `commandForMetadata` makes it (the program name, or
 * with `recordCommand` the masked argument list); as a string it is masked token by token.
 */
export function currentOwner(command: string | readonly string[], opts: { recordCommand?: boolean } = {}): Owner {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = String(process.getuid?.() ?? '');
  }
  const shown =
    typeof command === 'string' ? maskCommandText(command) : commandForMetadata(command, opts.recordCommand);
  return { host: hostname(), pid: process.pid, user, command: shown };
}

const ownerJson = new WeakMap<Owner, string>();

/** The owner's metadata fields as JSON without braces, made once per owner (acquire is a hot path). */
function ownerFields(owner: Owner): string {
  let json = ownerJson.get(owner);
  if (json === undefined) {
    const { host, pid, user, command } = owner;
    json = JSON.stringify({ host, pid: String(pid), user, command }).slice(1, -1);
    ownerJson.set(owner, json);
  }
  return json;
}

const sentAt = new WeakMap<Acquired, number>();

/**
 * Monotonic time at which the acquire that took this lock was sent: the lock is certainly ours until
 * this plus the TTL (less clock drift), however long the reply took.
 */
export function acquireSentAt(lock: Acquired): number | undefined {
  return sentAt.get(lock);
}

/**
 * One attempt. Returns the lock, or the holder when it is busy. A reply slower than the TTL is useless
 * (the lock would already have expired), so a hung connection fails after that long, 10 s at most (69).
 */
export async function tryAcquire(
  redis: Redis,
  name: string,
  ttlMs: number,
  owner: Owner,
  token = newToken(),
): Promise<{ acquired: Acquired } | { busy: Holder }> {
  const meta = `{"token":${JSON.stringify(token)},${ownerFields(owner)}`;
  const started = performance.now();
  const keys = [name, metaKey(name), fenceKey(name)];
  const acquire = () =>
    withDeadline(ACQUIRE.run(redis, keys, [token, ttlMs, meta]), callBudget(ttlMs, 1000), 'acquiring');
  const r = (await asLock(redis, name, acquire)) as [number, string, string | number];
  if (r[0] === 1) {
    if (confirmsWrites(redis)) await confirmAcquired(redis, name, token);
    // Microseconds since the epoch stay below 2^53 until the year 2255: exact as a double.
    const nowMs = Math.floor(Number(r[2]) / 1000);
    const expires_at = new Date(nowMs + ttlMs).toISOString();
    const acquired = { name, token, fence: String(r[1]), ttl_ms: ttlMs, expires_at };
    sentAt.set(acquired, started);
    return { acquired };
  }
  return { busy: await withDeadline(inspectLock(redis, name), callBudget(ttlMs, 1000), 'looking up the holder') };
}

/** A lock a failover could drop is no lock: give it back and say so (Sentinel masters with replicas only). */
async function confirmAcquired(redis: Redis, name: string, token: string): Promise<void> {
  try {
    await confirmWrites(redis);
  } catch (e) {
    if (!(e instanceof NotReplicatedError)) throw e;
    await release(redis, name, token).catch(() => {});
    const what = `${e.message}; lock ${name} was given back, since the master that granted it may be replaced`;
    throw new UnavailableError(what, 'try again', { cause: e });
  }
}

export interface WaitOptions {
  /** How long to keep trying, in ms (0: one attempt). */
  waitMs: number;
  signal?: AbortSignal;
}

/** Tries until acquired or the deadline (monotonic clock), polling with jittered backoff. */
export async function acquire(
  redis: Redis,
  name: string,
  ttlMs: number,
  owner: Owner,
  wait: WaitOptions,
  token?: string,
): Promise<{ acquired: Acquired } | { busy: Holder }> {
  const deadline = performance.now() + wait.waitMs;
  let delay = 25;
  for (;;) {
    const r = await tryAcquire(redis, name, ttlMs, owner, token);
    const left = deadline - performance.now();
    if ('acquired' in r || left <= 0 || wait.signal?.aborted) return r;
    const sleep = Math.min(left, delay * (0.5 + Math.random()));
    await new Promise((res) => setTimeout(res, sleep));
    delay = Math.min(delay * 2, 1000);
  }
}

export async function release(
  redis: Redis,
  name: string,
  token: string,
): Promise<{ released: true } | { released: false; holder: string | null }> {
  const r = (await asLock(redis, name, () => RELEASE.run(redis, [name, metaKey(name)], [token]))) as [number, string?];
  if (r[0] === 1) return { released: true };
  return { released: false, holder: r[1] ? r[1] : null };
}

export type ExtendResult =
  { extended: true; pttl: number } | { extended: false; reason: 'gone' | 'taken' | 'no-expiry'; holder: string | null };

export async function extend(
  redis: Redis,
  name: string,
  token: string,
  ms: number,
  replace: boolean,
): Promise<ExtendResult> {
  const args = [token, ms, replace ? '1' : '0'];
  const extendScript = () => EXTEND.run(redis, [name, metaKey(name)], args);
  const r = (await asLock(redis, name, extendScript)) as [number, string | number, string?];
  if (r[0] === 1) {
    // Unconfirmed, an extension may vanish with the master in a failover (NotReplicatedError, exit 69).
    await confirmWrites(redis);
    return { extended: true, pttl: Number(r[1]) };
  }
  return { extended: false, reason: r[1] as 'gone' | 'taken' | 'no-expiry', holder: r[2] ? r[2] : null };
}

/** Everything known about a lock key; pttl -2 when it does not exist. */
export async function inspectLock(redis: Redis, name: string): Promise<Holder> {
  const type = await redis.type(name);
  if (type !== 'string' && type !== 'none') throw notALock(name, type);
  const [[, token], [, pttl], [, metaText], [, fence]] = (await redis
    .multi()
    .get(name)
    .pttl(name)
    .get(metaKey(name))
    .get(fenceKey(name))
    .exec()) as [[unknown, string | null], [unknown, number], [unknown, string | null], [unknown, string | null]];
  const t = token ?? '';
  let meta: Record<string, string> | null;
  try {
    meta = metaText ? (JSON.parse(metaText) as Record<string, string>) : null;
  } catch {
    meta = null;
  }
  const hasMeta = !!meta && meta.token === t && t !== '';
  // Metadata written by an older loonctl may hold a whole command line: masked when read too.
  if (meta && typeof meta.command === 'string') meta.command = maskCommandText(meta.command);
  return {
    name,
    token: t,
    pttl: Number(pttl),
    kind: lockKind(name, t, hasMeta),
    fence: hasMeta ? (meta!.fence ?? fence) : fence,
    meta: hasMeta ? meta : null,
    uuid1: decodeUuid1(t) ?? null,
  };
}

/** Deletes a lock whatever its holder, or only while it still holds `expectToken`. */
export async function forceRelease(
  redis: Redis,
  name: string,
  expectToken?: string,
): Promise<{ deleted: boolean; holder: string | null }> {
  if (expectToken !== undefined) {
    const r = await release(redis, name, expectToken);
    return r.released ? { deleted: true, holder: expectToken } : { deleted: false, holder: r.holder };
  }
  // One script: a key of another type (a Celery list) is refused, never deleted.
  const reply = (await FORCE_RELEASE.run(redis, [name, metaKey(name)], [])) as [string, string | null, number];
  const [type, token, n] = reply;
  if (type !== 'string' && type !== 'none') throw notALock(name, type);
  return { deleted: Number(n) > 0 && !!token, holder: token || null };
}
