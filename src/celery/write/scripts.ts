import { Script } from '../../redis/script.js';

/**
 * Restores unacked entries, each only if its hash value is still the one read (so a worker's ack or
 * another restorer in between wins, and nothing is pushed twice): HDEL unacked, ZREM unacked_index,
 * RPUSH the original element onto its bucket (index -1 runs next), as kombu's restore does.
 * KEYS: unacked, unacked_index, target lists... ARGV: per entry (tag, target key index, value, payload).
 * Returns how many were restored; entries that changed are skipped.
 */
export const RESTORE_UNACKED = new Script(
  'queue_restore_unacked',
  `local restored = 0
for i = 1, #ARGV, 4 do
  local tag = ARGV[i]
  if redis.call('HGET', KEYS[1], tag) == ARGV[i + 2] then
    redis.call('HDEL', KEYS[1], tag)
    redis.call('ZREM', KEYS[2], tag)
    redis.call('RPUSH', KEYS[tonumber(ARGV[i + 1])], ARGV[i + 3])
    restored = restored + 1
  end
end
return restored`,
);

/**
 * Takes chosen elements out of one window of a list and (for a move) pushes their new bytes to the
 * destination bucket, atomically. The window is addressed from the tail (-from-1 .. -to-1 grows
 * towards the head); elements are identified by SHA1 so a window that shifted under live workers is
 * still matched (a vanished element is skipped, never duplicated). Chosen elements are overwritten with
 * a unique mark and the marks removed from the tail side, which stops as soon as they are all gone.
 * KEYS: source list, destination list (unused for purge). ARGV: mark, from, to (distance from the tail,
 * with slack), then per element: sha1, new bytes ('' for purge).
 * Returns the list of SHA1s taken (in tail-to-head order).
 */
export const TAKE_FROM_WINDOW = new Script(
  'queue_take_from_window',
  `local mark = ARGV[1]
local from = tonumber(ARGV[2])
local to = tonumber(ARGV[3])
local want = {}
local order = {}
for i = 4, #ARGV, 2 do
  want[ARGV[i]] = ARGV[i + 1]
  order[#order + 1] = ARGV[i]
end
local window = redis.call('LRANGE', KEYS[1], -(to + 1), -(from + 1))
local n = #window
local taken = {}
local marks = 0
-- Walk from the tail side of the window (oldest first) so pushes keep the order.
for j = n, 1, -1 do
  local el = window[j]
  local h = redis.sha1hex(el)
  local new = want[h]
  if new ~= nil then
    want[h] = nil
    local idx = -(from + 1) - (n - j)
    redis.call('LSET', KEYS[1], idx, mark)
    marks = marks + 1
    if new ~= '' then
      if new == '=' then new = el end
      redis.call('LPUSH', KEYS[2], new)
    end
    taken[#taken + 1] = h
  end
end
if marks > 0 then redis.call('LREM', KEYS[1], -marks, mark) end
return taken`,
);

/**
 * Deletes unacked entries, each only if its value is still the one read (acked meanwhile: skipped).
 * KEYS: unacked, unacked_index. ARGV: per entry (tag, value). Returns the tags deleted.
 */
export const DELETE_UNACKED = new Script(
  'queue_delete_unacked',
  `local deleted = {}
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('ZREM', KEYS[2], ARGV[i])
    deleted[#deleted + 1] = ARGV[i]
  end
end
return deleted`,
);

/**
 * The unfiltered case of move and purge, all inside Redis: pop from the tail (oldest first), rewrite
 * the routing key in place (`rewrite`), keep the bytes (`keep`) or drop them (`purge`), push onto the
 * destination's head. O(1) per message, atomic per call. An element whose routing key cannot be
 * rewritten is put back where it was and the call stops, returning {moved, 1}.
 * KEYS: source, destination. ARGV: max, mode, the new routing key as a JSON string.
 */
export const TAKE_FROM_TAIL = new Script(
  'queue_take_from_tail',
  `local n = 0
local max = tonumber(ARGV[1])
local mode = ARGV[2]
while n < max do
  local el = redis.call('RPOP', KEYS[1])
  if not el then return {n, 0} end
  if mode == 'rewrite' then
    -- A plain find for the field, then the pattern anchored there: far cheaper than a pattern scan.
    local at = string.find(el, '"delivery_info": {', 1, true)
    local stop, head
    if at then
      local found
      found, stop, head = string.find(el, '^("delivery_info": {[^{}]-"routing_key": )"[^"\\\\]*"', at)
    end
    if not stop then
      redis.call('RPUSH', KEYS[1], el)
      return {n, 1}
    end
    el = string.sub(el, 1, at - 1) .. head .. ARGV[3] .. string.sub(el, stop + 1)
  end
  if mode ~= 'purge' then redis.call('LPUSH', KEYS[2], el) end
  n = n + 1
end
return {n, 0}`,
);
