import type { Redis } from 'ioredis';
import { DataError } from '../core/errors.js';
import { explainWrongType, redisFailure, WrongTypeError } from '../redis/errors.js';
import { Script } from '../redis/script.js';
import { COUNTER_TTL_S, counterKey, MAX_SEQ, MAX_SEQ_DIGITS } from './format.js';

/** INCRBY only if the day key exists: the one-round-trip common case. Returns nil when absent. */
const RESERVE_IF_EXISTS = new Script(
  'serial_reserve_if_exists',
  `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end
return false`,
);

/**
 * First use of a day: SET NX (with LoonFlow's expiry) and INCRBY in one step, so any number of
 * concurrent initialisers agree on one sequence: only the first SET takes effect.
 */
const RESERVE_WITH_INIT = new Script(
  'serial_reserve_with_init',
  `redis.call('SET', KEYS[1], ARGV[2], 'NX', 'EX', ARGV[3])
return redis.call('INCRBY', KEYS[1], ARGV[1])`,
);

/**
 * Raises the counter to a target, atomically against concurrent reservations: the comparison is
 * made with the value at the moment of the write, so a counter that moved on is never rewound.
 * Lowers only when allowed. Keeps the key's TTL; a key it creates gets LoonFlow's expiry.
 * A value that is not an integer of at most MAX_SEQ_DIGITS digits is an error, or replaced when ARGV[4] is 1.
 * Returns {action, before, after}; before is 'none' for a missing key (a nil would end the Lua array).
 */
const RESEED = new Script(
  'serial_reseed',
  `local cur = redis.call('GET', KEYS[1])
local target = ARGV[1]
if not cur then
  redis.call('SET', KEYS[1], target, 'EX', ARGV[3])
  return {'created', 'none', target}
end
local digits = string.match(cur, '^-?(%d+)$')
if not digits or #digits > ${MAX_SEQ_DIGITS} then
  if ARGV[4] ~= '1' then return redis.error_reply('NOTINT ' .. cur) end
  redis.call('SET', KEYS[1], target, 'KEEPTTL')
  return {'replaced', 'none', target}
end
local n = tonumber(cur)
target = tonumber(target)
if target > n or (target < n and ARGV[2] == '1') then
  redis.call('SET', KEYS[1], target, 'KEEPTTL')
  if target > n then return {'raised', n, target} end
  return {'lowered', n, target}
end
return {'unchanged', n, n}`,
);

/**
 * Nothing loonctl writes to a counter may make LoonFlow's INCR fail: only whole numbers of at most
 * MAX_SEQ_DIGITS digits (never a float such as 1.8446744073709552e+19).
 */
export function assertCounterValue(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SEQ) {
    throw new DataError(
      `${what} would be ${n}: not a serial sequence (at most ${MAX_SEQ_DIGITS} digits)`,
      'nothing was written; serials with longer sequences are malformed',
    );
  }
}

export function notAnInteger(key: string, raw: string): DataError {
  return new DataError(
    `counter ${key} holds '${raw.slice(0, 40)}', not an integer`,
    'inspect it with redis-cli GET; loonctl never overwrites it',
  );
}

async function explainIntError(redis: Redis, key: string, e: unknown): Promise<never> {
  const msg = String((e as Error)?.message);
  if (/not an integer|NOTINT/.test(msg)) {
    const raw = (await redis.get(key)) ?? '';
    throw notAnInteger(key, raw);
  }
  if (/overflow/.test(msg)) {
    throw new DataError(`counter ${key} would overflow`, 'reserve fewer serials or inspect it with redis-cli GET');
  }
  return explainWrongType(redis, e, key, 'string (a counter)');
}

/** Reserves `count` numbers if the day's counter exists; returns the last one, or null when absent. */
export async function reserveIfExists(redis: Redis, date: string, count: number): Promise<number | null> {
  const key = counterKey(date);
  try {
    const r = await RESERVE_IF_EXISTS.run(redis, [key], [count]);
    return r === null ? null : Number(r);
  } catch (e) {
    return explainIntError(redis, key, e);
  }
}

/** Initialises the day's counter to `init` unless someone already did, then reserves `count`. */
export async function reserveWithInit(redis: Redis, date: string, count: number, init: number): Promise<number> {
  const key = counterKey(date);
  assertCounterValue(init, `start of ${key}`);
  assertCounterValue(init + count, `${key} after reserving ${count}`);
  try {
    return Number(await RESERVE_WITH_INIT.run(redis, [key], [count, init, COUNTER_TTL_S]));
  } catch (e) {
    return explainIntError(redis, key, e);
  }
}

export interface CounterState {
  date: string;
  key: string;
  /** null when the key does not exist or does not hold an integer (see `raw`). */
  value: number | null;
  raw: string | null;
  /** Seconds to expiry; -1 without expiry; null when the key does not exist. */
  ttl: number | null;
}

const COUNTER_VALUE = new RegExp(`^-?\\d{1,${MAX_SEQ_DIGITS}}$`);

/** Reads several day counters in one pipelined round trip. */
export async function readCounters(redis: Redis, dates: string[]): Promise<CounterState[]> {
  const p = redis.pipeline();
  for (const d of dates) p.get(counterKey(d)).ttl(counterKey(d));
  const replies = (await p.exec()) ?? [];
  return dates.map((date, i) => {
    const [getErr, raw] = replies[2 * i];
    const [, ttl] = replies[2 * i + 1];
    if (getErr && /^WRONGTYPE/.test(getErr.message)) {
      throw new WrongTypeError(counterKey(date), 'value of another type', 'string (a counter)');
    }
    if (getErr) throw redisFailure(getErr);
    const s = raw as string | null;
    const value = s !== null && COUNTER_VALUE.test(s) ? Number(s) : null;
    return { date, key: counterKey(date), value, raw: s, ttl: s === null ? null : Number(ttl) };
  });
}

export interface ReseedResult {
  action: 'created' | 'raised' | 'lowered' | 'unchanged' | 'replaced';
  before: number | null;
  after: number;
}

export async function reseedCounter(
  redis: Redis,
  date: string,
  target: number,
  allowLower: boolean,
  replaceInvalid = false,
): Promise<ReseedResult> {
  const key = counterKey(date);
  assertCounterValue(target, `reseed target for ${key}`);
  try {
    const args = [target, allowLower ? '1' : '0', COUNTER_TTL_S, replaceInvalid ? '1' : '0'];
    const [action, before, after] = (await RESEED.run(redis, [key], args)) as [
      ReseedResult['action'],
      number | string,
      number,
    ];
    return { action, before: before === 'none' ? null : Number(before), after: Number(after) };
  } catch (e) {
    return explainIntError(redis, key, e);
  }
}
