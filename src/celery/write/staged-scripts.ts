import { Script } from '../../redis/script.js';

/**
 * Scripts of the staged move (staged-move.ts): the bucket is renamed into `pending`, and each chunk is
 * committed by a transaction that pushes the rewritten messages onto the destination with a plain LPUSH
 * and then runs COMMIT_STAGED. Messages never become Lua strings: Redis 7 hashes every byte of each new
 * Lua string, which cost more than the rest of a move.
 */

/**
 * Renames the source into pending when the caller owns the lock, pending, next and held are empty, and the
 * source holds at most `max` messages ('-1': any number).
 * KEYS: source, pending, held, lock, next. ARGV: token, lock TTL ms, max.
 * Returns how many were staged (0: none), -1 lock lost, -2 more than max, -3 pending, next or held not empty.
 */
export const STAGE_BUCKET = new Script(
  'queue_stage_bucket',
  `if redis.call('GET', KEYS[4]) ~= ARGV[1] then return -1 end
redis.call('PEXPIRE', KEYS[4], ARGV[2])
if redis.call('EXISTS', KEYS[2], KEYS[3], KEYS[5]) > 0 then return -3 end
local n = redis.call('LLEN', KEYS[1])
if n == 0 then return 0 end
local max = tonumber(ARGV[3])
if max >= 0 and n > max then return -2 end
redis.call('RENAME', KEYS[1], KEYS[2])
return n`,
);

/**
 * Runs inside MULTI right after `LPUSH destination <n messages>`: drops those n from pending's tail when
 * the lock is still the caller's and pending has the length the caller read it at (so the pushed bytes are
 * the ones it read); otherwise takes the push back off the destination's head (nothing ran in between).
 * A destination of another type refused the LPUSH: nothing to undo. Called by EVAL, never EVALSHA: a
 * NOSCRIPT inside the transaction would leave the push applied.
 * KEYS: lock, destination, pending. ARGV: token, lock TTL ms, n, pending's length before.
 * Returns 0 committed, 1 lock lost or pending changed (push undone), 2 destination not a list.
 */
export const COMMIT_STAGED = `local pushed = redis.call('TYPE', KEYS[2]).ok == 'list'
local n = tonumber(ARGV[3])
if redis.call('GET', KEYS[1]) ~= ARGV[1] or redis.call('LLEN', KEYS[3]) ~= tonumber(ARGV[4]) then
  if pushed then redis.call('LTRIM', KEYS[2], n, -1) end
  return 1
end
if not pushed then return 2 end
redis.call('LTRIM', KEYS[3], 0, -n - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0`;
