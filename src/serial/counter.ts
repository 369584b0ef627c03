import type { Redis } from 'ioredis';
import { DataError } from '../core/errors.js';
import { explainWrongType, redisFailure, WrongTypeError } from '../redis/errors.js';
import { Script } from '../redis/script.js';
import { COUNTER_TTL_S, counterKey } from './format.js';

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
 * Returns {action, before, after}; before is 'none' for a missing key (a nil would end the Lua array).
 */
const RESEED = new Script(
  'serial_reseed',
  `local cur = redis.call('GET', KEYS[1])
local target = tonumber(ARGV[1])
if not cur then
  redis.call('SET', KEYS[1], target, 'EX', ARGV[3])
  return {'created', 'none', target}
end
local n = tonumber(cur)
if not n or n ~= math.floor(n) then return redis.error_reply('NOTINT ' .. cur) end
if target > n or (target < n and ARGV[2] == '1') then
  redis.call('SET', KEYS[1], target, 'KEEPTTL')
  if target > n then return {'raised', n, target} end
  return {'lowered', n, target}
end
return {'unchanged', n, n}`,
);

export function notAnInteger(key: string, raw: string): DataError {
  return new DataError(`counter ${key} holds '${raw.slice(0, 40)}', not an integer`, 'inspect it with redis-cli GET; loonctl never overwrites it');
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

/** Reads several day counters in one pipelined round trip. */
export async function readCounters(redis: Redis, dates: string[]): Promise<CounterState[]> {
  const p = redis.pipeline();
  for (const d of dates) p.get(counterKey(d)).ttl(counterKey(d));
  const replies = (await p.exec()) ?? [];
  return dates.map((date, i) => {
    const [getErr, raw] = replies[2 * i]!;
    const [, ttl] = replies[2 * i + 1]!;
    if (getErr && /^WRONGTYPE/.test(getErr.message)) {
      throw new WrongTypeError(counterKey(date), 'value of another type', 'string (a counter)');
    }
    if (getErr) throw redisFailure(getErr);
    const s = raw as string | null;
    const value = s !== null && /^-?\d+$/.test(s) ? Number(s) : null;
    return { date, key: counterKey(date), value, raw: s, ttl: s === null ? null : Number(ttl) };
  });
}

export interface ReseedResult {
  action: 'created' | 'raised' | 'lowered' | 'unchanged';
  before: number | null;
  after: number;
}

export async function reseedCounter(redis: Redis, date: string, target: number, allowLower: boolean): Promise<ReseedResult> {
  const key = counterKey(date);
  try {
    const [action, before, after] = (await RESEED.run(redis, [key], [target, allowLower ? '1' : '0', COUNTER_TTL_S])) as [ReseedResult['action'], number | string, number];
    return { action, before: before === 'none' ? null : Number(before), after: Number(after) };
  } catch (e) {
    return explainIntError(redis, key, e);
  }
}
