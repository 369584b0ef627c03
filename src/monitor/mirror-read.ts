import type { Redis } from 'ioredis';
import { Script } from '../redis/script.js';

/** How far from the head one page call searches for the anchor (pushes since the read began). */
const ANCHOR_SEARCH = 50_000;
const PAGE = 1000;

// A page of a live list, counted from an anchor (the element that was the head when the read began)
// rather than from the head, so pushes during the read shift nothing. The anchor's fingerprint is
// found again on every call by walking from the head: O(pushes since the read began).
// Reply: {anchor index or -1, anchor fingerprint, page, whole list searched (1/0)}.
const PAGE_FROM_ANCHOR = new Script(
  'loonctl-mirror-page',
  `local function fp(e)
  local n = #e
  if n > 8192 then e = string.sub(e, 1, 4096) .. string.sub(e, -4096) end
  return string.sub(redis.sha1hex(n .. ':' .. e), 1, 16)
end
local want, from, count, budget = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local len = redis.pcall('LLEN', KEYS[1])
if type(len) ~= 'number' or len == 0 then return {-1, want, {}, 1} end
local p = -1
if want == '' then
  p = 0
  want = fp(redis.call('LINDEX', KEYS[1], 0))
else
  local i = 0
  while p < 0 and i < len and i < budget do
    local chunk = redis.call('LRANGE', KEYS[1], i, i + 255)
    for j = 1, #chunk do
      if fp(chunk[j]) == want then p = i + j - 1 break end
    end
    i = i + 256
  end
  if p < 0 then return {-1, want, {}, len <= budget and 1 or 0} end
end
return {p, want, redis.call('LRANGE', KEYS[1], p + from, p + from + count - 1), 1}`,
);

/**
 * Every element of a live list as `map` makes it (kept small: a list can be long), oldest (tail) first, read in pages from the head down. Elements pushed
 * during the read are left for the next look; elements taken by workers during the read may be in the
 * result (the next look drops them from the tail). Throws when the producers outrun the anchor search.
 */
export async function readListAnchored<T>(
  redis: Redis,
  key: Buffer,
  map: (raw: Buffer) => T | Promise<T>,
): Promise<T[]> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const pages: T[][] = [];
    let anchor: Buffer = Buffer.alloc(0);
    let from = 0;
    let lost = false;
    for (;;) {
      const [p, want, page, searchedAll] = (await PAGE_FROM_ANCHOR.runBuffer(
        redis,
        [key],
        [anchor, from, PAGE, ANCHOR_SEARCH],
      )) as [number, Buffer, Buffer[], number];
      if (p < 0) {
        // The anchor gone from a list searched to its end: everything older went too; the read is done.
        lost = searchedAll !== 1;
        break;
      }
      anchor = want;
      const mapped: T[] = [];
      for (const raw of page) mapped.push(await map(raw));
      pages.push(mapped);
      from += page.length;
      if (page.length < PAGE) break;
    }
    if (lost) continue;
    const out: T[] = [];
    for (let i = pages.length - 1; i >= 0; i--) for (let j = pages[i].length - 1; j >= 0; j--) out.push(pages[i][j]);
    return out;
  }
  throw new Error('the queue grew faster than it could be read; try again');
}
