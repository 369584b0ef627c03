import { Script } from '../redis/script.js';

/**
 * Reads task names and ETAs of some messages of one queue inside Redis, so a scrape moves a few bytes
 * per message instead of the message. KEYS: the queue's bucket lists; ARGV[i]: what to read from KEYS[i]:
 * `all` (every message), or positions from the head separated by commas (a position past the end is skipped).
 * Returns {{length, read} per bucket, {bucket, task, eta, raw} per message read}. `task` is taken from
 * kombu's envelope headers (protocol 2: `"task": "..."` before `"argsrepr"`); when it is not there in
 * plain form (protocol 1, escapes), `raw` carries the whole message for the caller to decode.
 */
export const SAMPLE_TASKS = new Script(
  'loonctl-sample-tasks',
  `
local function pick(m)
  local h = string.find(m, '"headers": {', 1, true)
  if not h then return '', '', m end
  local stop = string.find(m, '"argsrepr"', h, true) or #m
  local ts, _, task = string.find(m, '"task": "([^"\\\\]*)"', h)
  if not task or ts > stop then return '', '', m end
  local es, _, eta = string.find(m, '"eta": "([^"\\\\]*)"', h)
  if not eta or es > stop then eta = '' end
  return task, eta, ''
end
local sizes, items = {}, {}
for i, key in ipairs(KEYS) do
  local len, read = 0, 0
  if redis.call('TYPE', key).ok == 'list' then len = redis.call('LLEN', key) end
  local function take(m)
    local task, eta, raw = pick(m)
    items[#items + 1] = i - 1
    items[#items + 1] = task
    items[#items + 1] = eta
    items[#items + 1] = raw
    read = read + 1
  end
  if len > 0 and ARGV[i] == 'all' then
    for _, m in ipairs(redis.call('LRANGE', key, 0, len - 1)) do take(m) end
  elseif len > 0 then
    for p in string.gmatch(ARGV[i], '%d+') do
      local m = redis.call('LINDEX', key, tonumber(p))
      if m then take(m) end
    end
  end
  sizes[#sizes + 1] = len
  sizes[#sizes + 1] = read
end
return {sizes, items}
`,
);
