import type { Redis } from 'ioredis';
import { Script } from '../redis/script.js';

/** How many elements are fingerprinted at each end of a bucket list. */
export const WINDOW = 32;
/** How far past the head window one look searches for the previous head (pushes since the last look). */
export const SEARCH = 4096;

/** One bucket list as one observation saw it. */
export interface BucketProbe {
  length: number;
  /** Fingerprints from the tail inwards: [0] is the element a worker takes next. */
  tail: string[];
  /** Fingerprints from the head inwards: [0] is the element pushed last. */
  head: string[];
  /** Index from the head of the first element whose fingerprint is the previous head's, or -1. */
  found: number;
  /** The key holds something other than a list (someone else's key): treated as empty. */
  foreign: boolean;
  /**
   * Same length and end elements as `previous` said: nothing moved (as far as the ends tell), and `tail`
   * and `head` are empty: the caller's previous windows stand. Only with `previous`.
   */
  unchanged: boolean;
  /**
   * With `fresh` asked for: the elements above the previous head, newest first (the whole list when the
   * previous head is gone and the list was searched to its end); null when they were more than asked.
   */
  fresh: Buffer[] | null;
}

export interface ProbeOptions {
  window?: number;
  search?: number;
  /** Also return up to this many raw elements pushed since the previous look (for a mirror of the list). */
  fresh?: number;
  /**
   * What the previous look saw of each list (its length and tail[0]; with `previousHeads[i]`, its ends):
   * a list that still has that length and those two end elements comes back `unchanged`, without windows.
   */
  previous?: { length: number; tail: string }[];
}

// Hashing happens in Redis so a look costs ~17 bytes per fingerprint on the wire, not the messages.
// Messages over 8 KiB are hashed on their first and last 4 KiB and their length: kombu's envelope
// ends with `properties` (delivery_tag, a fresh uuid4 per message), so the ends tell messages apart.
// ARGV: window, search budget, how many fresh elements may be returned, then one previous-head
// fingerprint per key ('' for none), then optionally one previous tail fingerprint and one previous length
// per key: a list whose length and both end fingerprints are unchanged skips its windows (a stalled
// backlog, the case monitoring meets most, costs two fingerprints instead of 2 x window).
// The search walks from the head: pushes only move the old head deeper, so it costs O(new messages).
const PROBE = new Script(
  'loonctl-flow-probe',
  `local w = tonumber(ARGV[1])
local budget = tonumber(ARGV[2])
local ret = tonumber(ARGV[3])
local function fp(e)
  local n = #e
  if n > 8192 then e = string.sub(e, 1, 4096) .. string.sub(e, -4096) end
  return string.sub(redis.sha1hex(n .. ':' .. e), 1, 16)
end
local nk = #KEYS
local known = #ARGV >= 3 + 3 * nk
local out = {}
for i, k in ipairs(KEYS) do
  local want = ARGV[3 + i]
  local len = redis.pcall('LLEN', k)
  if type(len) ~= 'number' then
    out[i] = {0, 1, {}, {}, -1, {}}
  elseif known and len > 0 and want ~= '' and tonumber(ARGV[3 + 2 * nk + i]) == len
      and fp(redis.call('LINDEX', k, -1)) == ARGV[3 + nk + i] and fp(redis.call('LINDEX', k, 0)) == want then
    out[i] = {len, 0, {}, {}, 0, 0, 1}
  else
    local tail, head, found = {}, {}, -1
    if len > 0 then
      local t = redis.call('LRANGE', k, -w, -1)
      for j = #t, 1, -1 do tail[#tail + 1] = fp(t[j]) end
      local h = redis.call('LRANGE', k, 0, w - 1)
      for j = 1, #h do
        head[j] = fp(h[j])
        if found < 0 and head[j] == want then found = j - 1 end
      end
      local from = w
      while found < 0 and want ~= '' and from < len and from < w + budget do
        local chunk = redis.call('LRANGE', k, from, from + 255)
        for j = 1, #chunk do
          if fp(chunk[j]) == want then found = from + j - 1 break end
        end
        from = from + 256
      end
    end
    local fresh = 0
    if ret > 0 then
      if found >= 0 and found <= ret then
        fresh = found > 0 and redis.call('LRANGE', k, 0, found - 1) or {}
      elseif found < 0 and len <= ret and (want == '' or len <= w + budget) then
        fresh = len > 0 and redis.call('LRANGE', k, 0, -1) or {}
      end
    end
    out[i] = {len, 0, tail, head, found, fresh}
  end
end
return out`,
);

/**
 * Lengths and end fingerprints of the given bucket lists, read atomically in one script call, with the
 * position of each list's previous head (`previousHeads[i]`, '' when unknown).
 */
export async function probeBuckets(
  redis: Redis,
  keys: Buffer[],
  previousHeads: string[],
  o: ProbeOptions = {},
): Promise<BucketProbe[]> {
  if (keys.length === 0) return [];
  const args: (string | number)[] = [o.window ?? WINDOW, o.search ?? SEARCH, o.fresh ?? 0, ...previousHeads];
  if (o.previous) args.push(...o.previous.map((p) => p.tail), ...o.previous.map((p) => p.length));
  const reply = (await PROBE.runBuffer(redis, keys, args)) as [
    number,
    number,
    Buffer[],
    Buffer[],
    number,
    Buffer[] | 0,
    number?,
  ][];
  const text = (xs: Buffer[]) => xs.map((x) => x.toString('latin1'));
  return reply.map(([length, foreign, tail, head, found, fresh, unchanged]) => ({
    length,
    tail: text(tail),
    head: text(head),
    found,
    foreign: foreign === 1,
    fresh: fresh === 0 ? null : fresh,
    unchanged: unchanged === 1,
  }));
}
