import { Script } from '../redis/script.js';

/**
 * Reads task names and ETAs of some messages of one queue inside Redis, so a scrape moves a few bytes
 * per message instead of the message. KEYS: the queue's bucket lists; ARGV[i]: what to read from KEYS[i]:
 * `all` (every message), or positions from the head separated by commas (a position past the end is skipped).
 * Returns per key {length, read, {task, count, ...}, {eta, ...}, {raw, ...}}: counts by task name taken from
 * kombu's envelope headers (protocol 2: `"task": "..."` before `"argsrepr"`), the ETAs met, and whole
 * messages whose task is not there in plain form (protocol 1, escapes) for the caller to decode.
 */
export const SAMPLE_TASKS = new Script(
  'loonctl-sample-tasks',
  `
-- Plain searches only (no patterns): this runs on every message read and must stay cheap.
local function quoted(m, from)
  local e = string.find(m, '"', from, true)
  if not e then return nil end
  local v = string.sub(m, from, e - 1)
  if string.find(v, '\\\\', 1, true) then return nil end
  return v
end
local function pick(m)
  local h = string.find(m, '"headers": {', 1, true)
  if not h then return '', '', m end
  local stop = string.find(m, '"argsrepr"', h, true) or #m
  local ts = string.find(m, '"task": "', h, true)
  local task = ts and ts < stop and quoted(m, ts + 9)
  if not task then return '', '', m end
  local es = string.find(m, '"eta": "', h, true)
  local eta = es and es < stop and quoted(m, es + 8) or ''
  return task, eta, ''
end
local out = {}
for i, key in ipairs(KEYS) do
  local len, read = 0, 0
  local counts, etas, raws = {}, {}, {}
  if redis.call('TYPE', key).ok == 'list' then len = redis.call('LLEN', key) end
  local function take(m)
    local task, eta, raw = pick(m)
    read = read + 1
    if raw ~= '' then
      raws[#raws + 1] = raw
      return
    end
    counts[task] = (counts[task] or 0) + 1
    if eta ~= '' then etas[#etas + 1] = eta end
  end
  if len > 0 and ARGV[i] == 'all' then
    for _, m in ipairs(redis.call('LRANGE', key, 0, len - 1)) do take(m) end
  elseif len > 0 then
    for p in string.gmatch(ARGV[i], '%d+') do
      local m = redis.call('LINDEX', key, tonumber(p))
      if m then take(m) end
    end
  end
  local flat = {}
  for task, n in pairs(counts) do
    flat[#flat + 1] = task
    flat[#flat + 1] = n
  end
  out[i] = {len, read, flat, etas, raws}
end
return out
`,
);
