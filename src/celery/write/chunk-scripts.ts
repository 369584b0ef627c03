import { Script } from '../../redis/script.js';

/**
 * Scripts of the chunked walk of a filtered move or purge (see chunked.ts). The logical queue is always
 * source ++ next ++ pending ++ held (head to tail): `pending` is the chunk loonctl is deciding on, `next`
 * the chunk after it (read ahead, so loonctl decides on it while Redis applies the decisions on pending),
 * `held` the messages it examined and kept, oldest at its tail. Every script first checks that the caller still owns
 * the bucket's lock (and extends it), so a run that lost its lock changes nothing.
 */

/** Pushes `els` onto a list in slices (unpack has a stack limit). */
const PUSH_LUA = `
local function push(cmd, key, els, from, to)
  for i = from, to, 1000 do
    redis.call(cmd, key, unpack(els, i, math.min(i + 999, to)))
  end
end
-- Up to n elements off a list's tail ('RPOP', oldest first) or head ('LPOP', head first), as that many pops
-- would give them: one LRANGE and one LTRIM (RPOP/LPOP with a count need Redis 6.2; a call per element
-- costs more than the rest of the step).
local function pop(cmd, key, n)
  if n <= 0 then return {} end
  if cmd == 'LPOP' then
    local els = redis.call('LRANGE', key, 0, n - 1)
    if #els > 0 then redis.call('LTRIM', key, #els, -1) end
    return els
  end
  local els = redis.call('LRANGE', key, -n, -1)
  local m = #els
  if m == 0 then return els end
  redis.call('LTRIM', key, 0, -m - 1)
  local out = {}
  for i = 1, m do out[i] = els[m + 1 - i] end
  return out
end
local function owned(lock, token, ttl)
  if redis.call('GET', lock) ~= token then return false end
  redis.call('PEXPIRE', lock, ttl)
  return true
end
`;

/**
 * Applies the decisions on the pending chunk, makes `next` the pending chunk, then takes a chunk from the
 * source's tail into `next` and returns it, in one atomic step. Decisions, one character per pending
 * element, oldest first: 'k' keep (pushed onto held's head), 't' take (purge: dropped; move: pushed onto
 * the destination's head as it is), 'r' take with new bytes (the next of the trailing arguments). With a
 * journal TTL, the journal key gets ARGV[5] (what was taken) in the same step.
 * KEYS: source, pending, held, destination (source for a purge), journal key (source for none), lock, next.
 * ARGV: token, lock TTL ms, mode ('move' or 'purge'), journal TTL s ('0': none), journal value,
 * decisions, how many to take next, then the new bytes of each 'r'.
 * Returns {0, taken, next chunk... (oldest first)}, {1} lock lost, {2} destination not a list,
 * {3} pending is not the chunk the decisions are for.
 */
export const TAKE_CHUNK = new Script(
  'queue_take_chunk',
  `${PUSH_LUA}
if not owned(KEYS[6], ARGV[1], ARGV[2]) then return {1} end
local decisions = ARGV[6]
local n = #decisions
if redis.call('LLEN', KEYS[2]) ~= n then return {3} end
local moving = ARGV[3] == 'move'
if moving then
  local kind = redis.call('TYPE', KEYS[4]).ok
  if kind ~= 'list' and kind ~= 'none' then return {2} end
end
local taken = 0
if n > 0 and not string.find(decisions, '[kt]') then
  -- Every pending message is taken with new bytes: nothing of pending is needed but its length.
  redis.call('DEL', KEYS[2])
  taken = n
  if moving then push('LPUSH', KEYS[4], ARGV, 8, 7 + n) end
elseif n > 0 then
  local els = pop('RPOP', KEYS[2], n)
  local kept, out = {}, {}
  local r = 8
  for i = 1, n do
    local d = string.byte(decisions, i)
    if d == 107 then
      kept[#kept + 1] = els[i]
    else
      taken = taken + 1
      if d == 114 then
        out[#out + 1] = ARGV[r]
        r = r + 1
      else
        out[#out + 1] = els[i]
      end
    end
  end
  push('LPUSH', KEYS[3], kept, 1, #kept)
  if moving then push('LPUSH', KEYS[4], out, 1, #out) end
end
if ARGV[4] ~= '0' then redis.call('SET', KEYS[5], ARGV[5], 'EX', ARGV[4]) end
if redis.call('EXISTS', KEYS[7]) == 1 then redis.call('RENAME', KEYS[7], KEYS[2]) end
local result = {0, taken}
local want = tonumber(ARGV[7])
if want > 0 then
  local next = pop('RPOP', KEYS[1], want)
  push('LPUSH', KEYS[7], next, 1, #next)
  for i = 1, #next do result[i + 2] = next[i] end
end
return result`,
);

/**
 * Puts pending, next and held back into the source, order kept: pending then next onto held's head (renamed to
 * held when held is empty: a staged move's pending may hold millions), then either held onto the source's tail
 * (when held is small) or the source onto held's head and held renamed to the source (when the source is small).
 * No call moves more than `max` elements from any one list: it returns 1 and the caller calls again, so Redis
 * never stops for one long script.
 * KEYS: source, pending, held, lock, next. ARGV: token, lock TTL ms, max.
 * Returns 0 done, 1 call again, -1 lock lost.
 */
export const RETURN_HELD = new Script(
  'queue_return_held',
  `${PUSH_LUA}
if not owned(KEYS[4], ARGV[1], ARGV[2]) then return -1 end
local max = tonumber(ARGV[3])
for _, key in ipairs({KEYS[2], KEYS[5]}) do
  local p = redis.call('LLEN', key)
  if p > 0 then
    if redis.call('EXISTS', KEYS[3]) == 0 then
      redis.call('RENAME', key, KEYS[3])
    else
      local els = pop('RPOP', key, math.min(p, max))
      push('LPUSH', KEYS[3], els, 1, #els)
      if p > max then return 1 end
    end
  end
end
local h = redis.call('LLEN', KEYS[3])
if h == 0 then return 0 end
if h <= max then
  local els = pop('LPOP', KEYS[3], h)
  push('RPUSH', KEYS[1], els, 1, #els)
  return 0
end
local s = redis.call('LLEN', KEYS[1])
if s > 0 then
  local els = pop('RPOP', KEYS[1], math.min(s, max))
  push('LPUSH', KEYS[3], els, 1, #els)
end
if s > max then return 1 end
redis.call('RENAME', KEYS[3], KEYS[1])
return 0`,
);

/** Takes over a lock whose value is still `old` (its owner died). KEYS: lock. ARGV: old, new, TTL ms. */
export const TAKE_OVER_LOCK = new Script(
  'queue_take_over_bulk_lock',
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`,
);

/** Extends (ARGV[2] > 0) or deletes (ARGV[2] = 0) a lock we own. KEYS: lock. ARGV: token, TTL ms. */
export const TOUCH_LOCK = new Script(
  'queue_touch_bulk_lock',
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`,
);
