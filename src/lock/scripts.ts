import { Script } from '../redis/script.js';

/**
 * Acquire: the lock key holds only the token (redis-py compatible). Beside it, never in it:
 * metadata (a JSON object with the lock's TTL; the client sends it open, the script closes it with
 * the acquire time and fence) and a fencing counter that only grows, even after Redis lost its data:
 * max(previous + 1, Redis TIME in microseconds). One SET each: the pair costs barely more than
 * redis-py's SET NX + release.
 * KEYS: lock, meta, fence. ARGV: token, ttl ms, metadata JSON without its closing fields.
 * Returns {1, fence, now_us} or {0, holder token, holder pttl}.
 */
export const ACQUIRE = new Script(
  'lock_acquire',
  `if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {0, redis.call('GET', KEYS[1]) or '', redis.call('PTTL', KEYS[1])}
end
local t = redis.call('TIME')
local now = t[1] .. string.format('%06d', t[2])
local fs = now
local prev = tonumber(redis.call('GET', KEYS[3])) or 0
if prev >= tonumber(now) then fs = string.format('%.0f', prev + 1) end
redis.call('SET', KEYS[3], fs)
redis.call('SET', KEYS[2], ARGV[3] .. ',"acquired_at_us":"' .. now .. '","fence":"' .. fs .. '"}', 'PX', ARGV[2])
return {1, fs, now}`,
);

/**
 * Compare-and-delete; the metadata goes with the lock (while the token matches, it is ours).
 * KEYS: lock, meta. ARGV: token. Returns {1} or {0, holder token or ''}.
 */
export const RELEASE = new Script(
  'lock_release',
  `local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
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
redis.call('PEXPIRE', KEYS[2], ttl)
return {1, ttl}`,
);

/**
 * Deletes a lock and its metadata whatever the token, but only when the key is a string (a lock):
 * `lock release --force` aimed at a Celery list must not delete the queue.
 * KEYS: lock, meta. Returns {type, holder token or '', keys deleted}.
 */
export const FORCE_RELEASE = new Script(
  'lock_force_release',
  `local t = redis.call('TYPE', KEYS[1]).ok
if t ~= 'string' then return {t, '', 0} end
local cur = redis.call('GET', KEYS[1])
return {t, cur, redis.call('DEL', KEYS[1], KEYS[2])}`,
);
