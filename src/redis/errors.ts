import type { Redis } from 'ioredis';
import { ExitCode, LoonError, UnavailableError } from '../core/errors.js';

/**
 * A key holds another Redis type than the one kombu, LoonFlow or a lock library writes there (a
 * string where kombu keeps its `unacked` hash, a lock command aimed at a Celery list). loonctl
 * leaves such a key alone and says so: exit 1, the command found a problem.
 */
export class WrongTypeError extends LoonError {
  constructor(
    readonly key: string,
    readonly actual: string,
    readonly expected: string,
    hint?: string,
  ) {
    const why = `key '${key}' is a ${actual}, not a ${expected}: left alone`;
    super(why, ExitCode.problem, hint ?? 'inspect it with redis-cli TYPE / DUMP');
  }
}

const LOST = new RegExp(
  [
    'Connection is closed',
    'ECONNRESET',
    'EPIPE',
    'ECONNREFUSED',
    'ETIMEDOUT',
    "Stream isn't writeable",
    'Connection lost',
    'socket hang up',
    'Command aborted due to connection close',
  ].join('|'),
  'i',
);

/**
 * Classifies an error from ioredis into a typed error, or undefined when it is none of these
 * (a bug: exit 70). For the single mapper in src/cli.ts and for domain code that adds counts.
 * - the connection lost mid-command; Redis loading, read-only replica, busy script: unavailable (69)
 * - `OOM` (maxmemory with noeviction): unavailable (69)
 * - `NOPERM` (an ACL user without the permission): unavailable (69)
 * - `WRONGTYPE` without a known key: exit 1 (domain code names the key with `explainWrongType`)
 * `soFar` ("3,266 of 20,000 imported") is added to the message: what was done before it failed.
 */
export function classifyRedisError(err: unknown, soFar?: string): LoonError | undefined {
  if (err instanceof LoonError) return err;
  const msg = String((err as Error)?.message ?? err);
  const done = soFar ? `; ${soFar}` : '';
  if (/^OOM\b/.test(msg)) {
    const hint = 'free memory or raise maxmemory, then run the command again';
    return new UnavailableError(`Redis refused a write: it is out of memory (maxmemory)${done}`, hint, { cause: err });
  }
  if (/^NOPERM\b/.test(msg)) {
    const hint = 'the ACL user needs these commands and keys (see ACL GETUSER)';
    return new UnavailableError(`Redis refused: ${oneLine(msg)}${done}`, hint, { cause: err });
  }
  if (/^(LOADING|READONLY|MASTERDOWN|BUSY|CLUSTERDOWN|TRYAGAIN)\b/.test(msg)) {
    const why = `Redis cannot serve the command now: ${oneLine(msg)}${done}`;
    return new UnavailableError(why, 'try again in a moment', { cause: err });
  }
  if (/^WRONGTYPE\b/.test(msg)) {
    const key = keyOf(err);
    const what = key === undefined ? 'a key' : `key '${key}'`;
    const why = `${what} holds another type than expected: left alone${done}`;
    return new LoonError(why, ExitCode.problem, 'inspect it with redis-cli TYPE', { cause: err });
  }
  if (LOST.test(msg) || (err as NodeJS.ErrnoException)?.code === 'ECONNRESET') {
    const hint = 'is Redis running and reachable? run the command again';
    return new UnavailableError(`lost the connection to Redis${done}`, hint, { cause: err });
  }
  return undefined;
}

/** The same, returning the error itself when it is not a Redis condition (for `throw toLoonError(e)`). */
export function redisFailure(err: unknown, soFar?: string): unknown {
  return classifyRedisError(err, soFar) ?? err;
}

/**
 * When `err` is WRONGTYPE, asks for the key's type and throws a WrongTypeError naming it;
 * otherwise rethrows `err` classified.
 */
export async function explainWrongType(
  redis: Redis,
  err: unknown,
  key: Buffer | string,
  expected: string,
): Promise<never> {
  if (/^WRONGTYPE\b/.test(String((err as Error)?.message))) {
    const actual = await redis.type(key).catch(() => 'value of another type');
    throw new WrongTypeError(String(key), actual, expected);
  }
  throw redisFailure(err);
}

/** Runs `fn`; a WRONGTYPE from it becomes a WrongTypeError naming `key`. */
export async function expectingType<T>(
  redis: Redis,
  key: Buffer | string,
  expected: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    return explainWrongType(redis, e, key, expected);
  }
}

function oneLine(s: string): string {
  return s.split('\n')[0].slice(0, 300);
}

function keyOf(err: unknown): string | undefined {
  const c = (err as { command?: { name?: string; args?: unknown[] } }).command;
  if (!c?.args?.length) return undefined;
  const name = String(c.name).toLowerCase();
  const at = name === 'evalsha' || name === 'eval' ? 2 : 0;
  const k = c.args[at];
  return k === undefined ? undefined : Buffer.isBuffer(k) ? k.toString('utf8') : String(k);
}

/**
 * Refuses, before anything is changed, when one of `keys` exists with another type than `expected`:
 * a script that fails on its third command has already done the first two (Redis does not roll
 * back), so writes check their keys first. One pipelined round.
 */
export async function requireTypes(redis: Redis, keys: (Buffer | string)[], expected: string): Promise<void> {
  if (keys.length === 0) return;
  const p = redis.pipeline();
  for (const k of keys) p.type(k);
  const replies = (await p.exec()) ?? [];
  replies.forEach(([err, type], i) => {
    if (err) throw redisFailure(err);
    if (type !== expected && type !== 'none') throw new WrongTypeError(String(keys[i]), String(type), expected);
  });
}
