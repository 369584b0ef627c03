import { Script } from '../../redis/script.js';

/**
 * Restores unacked entries, each only if its hash value is still the one read (so a worker's ack or
 * another restorer in between wins, and nothing is pushed twice): HDEL unacked, ZREM unacked_index,
 * RPUSH the element onto its bucket (index -1 runs next), as kombu's restore does. An entry whose
 * target key holds something other than a list is left in unacked, untouched.
 * KEYS: unacked, unacked_index, target lists... ARGV: per entry (tag, target key index, value, payload).
 * Returns {tags restored, tags left because their target is not a list}.
 */
export const RESTORE_UNACKED = new Script(
  'queue_restore_unacked',
  `local restored = {}
local wrong = {}
for i = 1, #ARGV, 4 do
  local tag = ARGV[i]
  local target = KEYS[tonumber(ARGV[i + 1])]
  if redis.call('HGET', KEYS[1], tag) == ARGV[i + 2] then
    local kind = redis.call('TYPE', target).ok
    if kind ~= 'list' and kind ~= 'none' then
      wrong[#wrong + 1] = tag
    else
      redis.call('HDEL', KEYS[1], tag)
      redis.call('ZREM', KEYS[2], tag)
      redis.call('RPUSH', target, ARGV[i + 3])
      restored[#restored + 1] = tag
    end
  end
end
return {restored, wrong}`,
);

/**
 * Deletes unacked entries, each only if its value is still the one read (acked meanwhile: skipped). With a
 * journal TTL, the tags deleted are also stored (one per line) under the journal key, in the same step.
 * KEYS: unacked, unacked_index, journal key. ARGV: journal TTL ('0': none), then per entry (tag, value).
 * Returns the tags deleted.
 */
export const DELETE_UNACKED = new Script(
  'queue_delete_unacked',
  `local deleted = {}
for i = 2, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('ZREM', KEYS[2], ARGV[i])
    deleted[#deleted + 1] = ARGV[i]
  end
end
if ARGV[1] ~= '0' then redis.call('SET', KEYS[3], table.concat(deleted, '\\n'), 'EX', ARGV[1]) end
return deleted`,
);

/**
 * Lua: the span (first and last byte, quotes included) of the string value at
 * `properties.delivery_info.routing_key` of a JSON message, or nil. A small parser that skips strings
 * with string.find, so a large body costs one search; duplicate keys: the last wins, as in Python.
 */
const ROUTING_KEY_SPAN_LUA = `
local find, byte, sub = string.find, string.byte, string.sub
local function ws(s, i)
  local _, e = string.find(s, '^[ \\t\\r\\n]*', i)
  return e + 1
end
local function str_close(s, i)
  local j = i + 1
  while true do
    local q = string.find(s, '["\\\\]', j)
    if not q then return nil end
    if string.byte(s, q) == 92 then j = q + 2 else return q end
  end
end
local parse_object
local function skip_value(s, i, depth)
  local c = string.sub(s, i, i)
  if c == '{' then
    local e = parse_object(s, i, depth + 1, nil, 0)
    return e
  elseif c == '[' then
    if depth > 256 then return nil end
    local j = ws(s, i + 1)
    if string.sub(s, j, j) == ']' then return j + 1 end
    while true do
      j = skip_value(s, j, depth + 1)
      if not j then return nil end
      j = ws(s, j)
      local d = string.sub(s, j, j)
      if d == ']' then return j + 1 end
      if d ~= ',' then return nil end
      j = ws(s, j + 1)
    end
  elseif c == '"' then
    local q = str_close(s, i)
    return q and q + 1
  end
  local _, e = string.find(s, '^[^,}%] \\t\\r\\n]+', i)
  return e and e + 1
end
-- Returns the index after the object, and the span found along path[level..] (or nil).
parse_object = function(s, i, depth, path, level)
  if depth > 256 then return nil end
  local fs, fe
  local j = ws(s, i + 1)
  if string.sub(s, j, j) == '}' then return j + 1 end
  while true do
    if string.sub(s, j, j) ~= '"' then return nil end
    local kq = str_close(s, j)
    if not kq then return nil end
    local key = string.sub(s, j + 1, kq - 1)
    j = ws(s, kq + 1)
    if string.sub(s, j, j) ~= ':' then return nil end
    j = ws(s, j + 1)
    local vstart = j
    if path and key == path[level] then
      fs, fe = nil, nil
      local c = string.sub(s, j, j)
      if level == #path and c == '"' then
        local q = str_close(s, j)
        if not q then return nil end
        fs, fe, j = vstart, q, q + 1
      elseif level < #path and c == '{' then
        j, fs, fe = parse_object(s, j, depth + 1, path, level + 1)
      else
        j = skip_value(s, j, depth)
      end
    else
      j = skip_value(s, j, depth)
    end
    if not j then return nil end
    j = ws(s, j)
    local d = string.sub(s, j, j)
    if d == '}' then return j + 1, fs, fe end
    if d ~= ',' then return nil end
    j = ws(s, j + 1)
  end
end
local function routing_key_span(s)
  local i = ws(s, 1)
  if string.sub(s, i, i) ~= '{' then return nil end
  local e, fs, fe = parse_object(s, i, 1, {'properties', 'delivery_info', 'routing_key'}, 1)
  if not e or ws(s, e) ~= #s + 1 then return nil end
  return fs, fe
end
local function real_routing_key(s)
  local ok, m = pcall(cjson.decode, s)
  if not ok or type(m) ~= 'table' or type(m.properties) ~= 'table' then return nil end
  local d = m.properties.delivery_info
  if type(d) ~= 'table' then return nil end
  return d.routing_key
end
-- Where \`needle\` occurs exactly once (plain search), else nil. The needles start with a byte that is
-- rare in a message ('_' or 'p'), so memchr stops seldom; a needle found once means its full name is too.
local function once(s, needle)
  local a, b = find(s, needle, 1, true)
  if not a or find(s, needle, b + 1, true) then return nil end
  return a
end
-- The common case without decoding: no \\u escape (so every key is written plainly), "properties",
-- "delivery_info" and "routing_key" each once, in that order, with no brace between them but the one
-- delivery_info opens (so each sits directly in the one before). For any message kombu can consume that
-- is the real field. Each test is one plain search (memchr in C); a message without a backslash skips two.
local function plain_span(s)
  local bs = find(s, '\\\\', 1, true)
  if bs and find(s, '\\\\u', bs, true) then return nil end
  local r = once(s, '_key"')
  local d = r and once(s, '_info"')
  local p = d and once(s, 'properties"')
  if not (p and p < d and d < r) then return nil end
  -- Where the quoted names start: '"properties": {', '"delivery_info": {', '"routing_key": "' exactly there.
  p, d, r = p - 1, d - 9, r - 8
  if find(s, '"properties": {', p, true) ~= p then return nil end
  if find(s, '"delivery_info": {', d, true) ~= d then return nil end
  if find(s, '"routing_key": "', r, true) ~= r then return nil end
  -- The only brace from properties' '{' to the routing key: delivery_info's '{' (at d + 17).
  if find(s, '{', p + 15, true) ~= d + 17 then return nil end
  local b = find(s, '{', d + 18, true)
  if b and b < r then return nil end
  b = find(s, '}', p + 15, true)
  if b and b < r then return nil end
  local q = find(s, '"', r + 16, true)
  if not q then return nil end
  if bs then
    bs = find(s, '\\\\', r + 16, true)
    if bs and bs < q then q = str_close(s, r + 15) end
    if not q then return nil end
  end
  return r + 15, q
end
-- s with bytes i..j replaced by new. struct.pack copies the head straight into the result: every Lua
-- string is hashed over all its bytes when made, so a string.sub of the long head would cost as much again.
local formats = {}
local function splice(s, i, j, new)
  if i == 1 then return new .. sub(s, j + 1) end
  local f = formats[i]
  if not f then
    f = 'c' .. (i - 1) .. 'c0c0'
    formats[i] = f
  end
  return struct.pack(f, s, new, sub(s, j + 1))
end
-- Otherwise: put a unique sentinel at a '"routing_key": "' found by plain search (last first) and keep the
-- place only if cjson then reads the sentinel at properties.delivery_info.routing_key: the sentinel is
-- nowhere else, so that is the real field. Anything unusual goes to the parser above.
local function rewrite_routing_key(s, new_json, sentinel)
  local ps, pe = plain_span(s)
  -- Already the destination's key (compared in place, no copy): the bytes stay as they are.
  if ps and pe - ps + 1 == #new_json and find(s, new_json, ps, true) == ps then return s end
  if ps then return splice(s, ps, pe, new_json) end
  local found = {}
  local i = 1
  while true do
    local a, b = string.find(s, '"routing_key": "', i, true)
    if not a then break end
    found[#found + 1] = b
    i = b + 1
  end
  for k = #found, math.max(1, #found - 3), -1 do
    local q = str_close(s, found[k])
    if q then
      local head, tail = string.sub(s, 1, found[k] - 1), string.sub(s, q + 1)
      if real_routing_key(head .. '"' .. sentinel .. '"' .. tail) == sentinel then
        return splice(s, found[k], q, new_json)
      end
    end
  end
  local fs, fe = routing_key_span(s)
  if not fs then return nil end
  return splice(s, fs, fe, new_json)
end
`;

/**
 * The unfiltered case of move and purge, all inside Redis: pop from the tail (oldest first), rewrite
 * `properties.delivery_info.routing_key` in place (`rewrite`), keep the bytes (`keep`) or drop them
 * (`purge`), push onto the destination's head. O(1) per message, atomic per call. An element whose
 * routing key cannot be rewritten is left where it was and the call stops, returning {moved, 1};
 * a destination that holds something other than a list stops it before any change: {0, 2}.
 * KEYS: source, destination. ARGV: max, mode, the new routing key as a JSON string, a unique sentinel (hex).
 */
export const TAKE_FROM_TAIL = new Script(
  'queue_take_from_tail',
  `${ROUTING_KEY_SPAN_LUA}
local max = tonumber(ARGV[1])
local mode = ARGV[2]
if mode ~= 'purge' then
  local kind = redis.call('TYPE', KEYS[2]).ok
  if kind ~= 'list' and kind ~= 'none' then return {0, 2} end
end
-- Whole runs at a time: LRANGE the tail, LTRIM what was taken, one LPUSH (oldest first) of it.
local n = 0
while n < max do
  local els = redis.call('LRANGE', KEYS[1], -math.min(500, max - n), -1)
  local m = #els
  if m == 0 then return {n, 0} end
  local out, used, stopped = {}, 0, 0
  for i = m, 1, -1 do
    local el = els[i]
    if mode == 'rewrite' then
      el = rewrite_routing_key(el, ARGV[3], ARGV[4])
      if not el then
        stopped = 1
        break
      end
    end
    used = used + 1
    out[used] = el
  end
  if used > 0 then
    redis.call('LTRIM', KEYS[1], 0, -used - 1)
    if mode ~= 'purge' then redis.call('LPUSH', KEYS[2], unpack(out, 1, used)) end
  end
  n = n + used
  if stopped == 1 then return {n, 1} end
end
return {n, 0}`,
);
