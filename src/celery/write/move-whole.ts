import type { Redis } from 'ioredis';
import { type LoonError } from '../../core/errors.js';
import { confirmWrites } from '../../redis/durability.js';
import { pyJsonString } from '../pyjson.js';
import { nextPageSize } from '../read.js';
import { BULK_LOCK_TTL_MS, lockLost, type BulkKeys } from './bulk-lock.js';
import { TAKE_WHOLE, TRIM_PAGE } from './chunk-scripts.js';
import { rewriteRoutingKeyTo } from './routing.js';
import type { BulkOptions, BulkResult } from './bulk.js';

/**
 * Most messages per page read from pending and per transaction (about 1.5 MB of kombu messages); pages start
 * at one message and double while they stay under PAGE_BYTES, so big messages never make a big page.
 */
const PAGE = 2000;
/** Attempts at one page's transaction while the lock changes between WATCH and EXEC (extended meanwhile). */
const RETRIES = 100;

export interface WholeMove {
  redis: Redis;
  src: Buffer;
  dst: Buffer;
  keys: BulkKeys;
  token: string;
  queue: string;
  o: BulkOptions;
  r: BulkResult;
  wrongType: () => LoonError;
  what: string;
}

/**
 * Unfiltered move of a whole bucket with the routing key rewritten here, not in Lua (Redis's Lua hashes
 * every byte of every string it makes, which cost more than the move itself). The bucket is renamed to
 * `pending` in one step (workers of the source see it empty from then on; new arrivals stay in the source);
 * pages are read from pending's tail and each is one transaction (WATCH on the lock; LPUSH onto the
 * destination, then TRIM_PAGE: any message without a routing key onto `held`, the page off pending).
 * The next page is read and rewritten while Redis runs the last transaction. A crash leaves the rest in
 * pending and held, which the next run puts back first (see chunked.ts). Returns false when pending or held
 * were in use, for the caller to move the bucket the other way.
 */
export async function moveWhole(w: WholeMove): Promise<boolean> {
  const { redis, keys, r, o } = w;
  const taken = Number(
    await TAKE_WHOLE.run(redis, [w.src, keys.pending, keys.held, w.dst, keys.lock], [w.token, BULK_LOCK_TTL_MS]),
  );
  if (taken === -1) throw lockLost(w.what);
  if (taken === -2) throw w.wrongType();
  if (taken === -3) return false;
  await confirmWrites(redis);
  const value = Buffer.from(pyJsonString(w.queue), 'utf8');
  let untrimmed = 0; // read from pending's tail, not yet trimmed: where the next page starts
  let size = 1;
  const read = () => {
    const p = redis.lrangeBuffer(keys.pending, -(untrimmed + size), -(untrimmed + 1));
    p.catch(() => {}); // awaited below; never an unhandled rejection if the move stops first
    return p;
  };
  // The page whose transaction Redis is running while the next one is rewritten here.
  let inFlight: Page | undefined;
  const finish = async (f: Page) => {
    for (let attempt = 1; !(await f.applied); attempt++) {
      if (attempt >= RETRIES) throw new Error(`${w.what}: the lock kept changing during ${RETRIES} attempts`);
      f.applied = (await queueCommit(w, f)).applied;
    }
    await confirmWrites(redis);
    untrimmed -= f.n;
    r.done += f.moved.length;
    o.progress?.(r.scanned);
  };
  let next = read();
  for (;;) {
    const page = await next;
    untrimmed += page.length;
    let bytes = 0;
    for (const e of page) bytes += e.length;
    size = nextPageSize(size, page.length, bytes, PAGE);
    const f: Page = { moved: [], kept: [], n: page.length, applied: Promise.resolve(false) };
    for (let i = page.length - 1; i >= 0; i--) {
      // Oldest first: the tail of the page is the oldest.
      const out = rewriteRoutingKeyTo(page[i], w.queue, value);
      if (out) f.moved.push(out);
      else {
        f.kept.push(page[i]);
        r.failed.push({ position: r.scanned + page.length - 1 - i, reason: NO_KEY });
      }
    }
    if (inFlight) await finish(inFlight);
    if (page.length === 0) return true;
    r.scanned += page.length;
    r.matched += page.length;
    // Read before this page's transaction is queued: no read is ever issued while one is in flight.
    next = o.signal?.aborted ? Promise.resolve([]) : read();
    f.applied = (await queueCommit(w, f)).applied;
    inFlight = f;
  }
}

const NO_KEY = 'no delivery_info.routing_key to rewrite (use --keep-routing)';

interface Page {
  moved: Buffer[];
  kept: Buffer[];
  /** How many it took from pending. */
  n: number;
  /** Whether its transaction was applied (false: the lock changed after WATCH). */
  applied: Promise<boolean>;
}

/**
 * Checks the lock under WATCH, then queues the page's transaction (LPUSH onto the destination, TRIM_PAGE)
 * and returns its outcome without waiting for it. The destination is not watched (workers and producers
 * touch it all the time): TRIM_PAGE changes nothing if it stopped being a list.
 */
async function queueCommit(w: WholeMove, f: Page): Promise<{ applied: Promise<boolean> }> {
  const { redis, keys } = w;
  const checked = (await redis.pipeline().watch(keys.lock).get(keys.lock).exec()) ?? [];
  if (checked[1]?.[1] !== w.token) {
    await redis.unwatch();
    throw lockLost(w.what);
  }
  const tx = redis.multi();
  if (f.moved.length) tx.lpush(w.dst, ...f.moved);
  const trim = [f.n, f.moved.length, ...f.kept];
  // EVAL, not EVALSHA: a script missing from the cache (after a failover) must not fail after the LPUSH.
  tx.eval(TRIM_PAGE.source, 3, w.dst, keys.pending, keys.held, ...trim).pexpire(keys.lock, BULK_LOCK_TTL_MS);
  const applied = tx.exec().then((res) => {
    if (res === null) return false; // the lock changed after WATCH (our own timer extending it, or a takeover)
    if (res[f.moved.length ? 1 : 0][1] === 0) throw w.wrongType();
    const failed = res.find(([e]) => e)?.[0];
    if (failed) throw failed;
    return true;
  });
  applied.catch(() => {}); // awaited by the caller; never an unhandled rejection meanwhile
  return { applied }; // wrapped: an async function returning the promise itself would wait for it
}
