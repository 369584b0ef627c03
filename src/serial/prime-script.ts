import { Script } from '../redis/script.js';

/**
 * Primes one day counter, atomically against LoonFlow's INCR and loonctl's reservations.
 * KEYS[1] the day key; ARGV[1] the value to start from; ARGV[2] the unix time (s) the key must live
 * until; ARGV[3] '1' for a dry run (decide, write nothing).
 *
 * - absent: SET target, EXPIREAT (created)
 * - below target: raised, keeping its TTL; never lowered
 * - expiring before ARGV[2]: EXPIREAT ARGV[2] (extended); a later expiry or none is never shortened
 *
 * Times are Redis's own clock (TIME and PTTL), so the decision does not depend on the caller's clock.
 * One second of tolerance keeps a second run from "extending" by the milliseconds the first one took.
 * Returns {action, before|'none', after, ttl_before_s (-2 absent, -1 none), ttl_after_s}.
 * EXPIREAT rather than SET EXAT / EXPIRETIME: those need Redis 6.2 / 7.0 (KEEPTTL already needs 6.0).
 */
export const PRIME = new Script(
  'serial_prime',
  `local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expire_at = tonumber(ARGV[2])
local until_ms = expire_at * 1000
if until_ms <= now_ms then return redis.error_reply('PASTDAY ' .. ARGV[2]) end
local target = tonumber(ARGV[1])
local dry = ARGV[3] == '1'
local need_s = math.ceil((until_ms - now_ms) / 1000)
local cur = redis.call('GET', KEYS[1])
if not cur then
  if not dry then
    redis.call('SET', KEYS[1], target)
    redis.call('EXPIREAT', KEYS[1], expire_at)
  end
  return {'created', 'none', target, -2, need_s}
end
if not string.match(cur, '^%-?%d+$') then return redis.error_reply('NOTINT ' .. cur) end
local n = tonumber(cur)
local pttl = redis.call('PTTL', KEYS[1])
local ttl_before = pttl
if pttl >= 0 then ttl_before = math.ceil(pttl / 1000) end
local action = 'unchanged'
local after = n
if target > n then
  action = 'raised'
  after = target
  if not dry then redis.call('SET', KEYS[1], target, 'KEEPTTL') end
end
local ttl_after = ttl_before
if pttl >= 0 and now_ms + pttl < until_ms - 1000 then
  if action == 'unchanged' then action = 'extended' end
  ttl_after = need_s
  if not dry then redis.call('EXPIREAT', KEYS[1], expire_at) end
end
return {action, n, after, ttl_before, ttl_after}`,
);
