import { Script } from '../redis/script.js';

/**
 * Acquire: the lock key holds only the token (redis-py compatible). Beside it, never in it:
 * a metadata hash with the lock's TTL, and a fencing counter that only grows, even after Redis
 * lost its data: max(previous + 1, Redis TIME in microseconds).
 * KEYS: lock, meta, fence. ARGV: token, ttl ms, host, pid, user, command.
 * Returns {1, fence, now_us} or {0, holder token, holder pttl}.
 */
export const ACQUIRE = new Script(
  'lock_acquire',
  `if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {0, redis.call('GET', KEYS[1]) or '', redis.call('PTTL', KEYS[1])}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local prev = tonumber(redis.call('GET', KEYS[3]) or '0') or 0
local fence = math.max(prev + 1, now)
local fs = string.format('%.0f', fence)
redis.call('SET', KEYS[3], fs)
redis.call('HSET', KEYS[2], 'token', ARGV[1], 'host', ARGV[3], 'pid', ARGV[4], 'user', ARGV[5], 'command', ARGV[6],
  'acquired_at_us', string.format('%.0f', now), 'fence', fs)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {1, fs, string.format('%.0f', now)}`,
);

/** Compare-and-delete. KEYS: lock, meta. ARGV: token. Returns {1} or {0, holder token or ''}. */
export const RELEASE = new Script(
  'lock_release',
  `local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('DEL', KEYS[1])
  if redis.call('HGET', KEYS[2], 'token') == ARGV[1] then redis.call('DEL', KEYS[2]) end
  return {1}
end
return {0, cur or ''}`,
);

/**
 * redis-py's extend: the token must match; a key without expiry cannot be extended; the new TTL is
 * added to what remains, or replaces it. KEYS: lock, meta. ARGV: token, ms, replace (1/0).
 * Returns {1, new pttl} or {0, reason, holder token}.
 */
export const EXTEND = new Script(
  'lock_extend',
  `local cur = redis.call('GET', KEYS[1])
if not cur then return {0, 'gone', ''} end
if cur ~= ARGV[1] then return {0, 'taken', cur} end
local pttl = redis.call('PTTL', KEYS[1])
if pttl < 0 then return {0, 'no-expiry', cur} end
local ttl = tonumber(ARGV[2])
if ARGV[3] ~= '1' then ttl = ttl + pttl end
redis.call('PEXPIRE', KEYS[1], ttl)
if redis.call('HGET', KEYS[2], 'token') == ARGV[1] then redis.call('PEXPIRE', KEYS[2], ttl) end
return {1, ttl}`,
);
