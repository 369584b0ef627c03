import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { prepareDecode } from '../decode.js';
import { decodeMessage, needsYaml } from '../envelope.js';
import type { ExportRecord } from '../export-format.js';
import type { MessageFilter } from '../filter.js';
import { redisFailure, requireTypes } from '../../redis/errors.js';
import { nextPageSize, PAGE_BYTES } from '../read.js';
import { nameOf } from '../summary.js';
import { assertQueueDestination, bucketKeys, bucketKey, type Transport } from '../transport.js';
import { ExitCode, LoonError } from '../../core/errors.js';
import { pyJsonString } from '../pyjson.js';
import { confirmWrites, interrupted, isConnectionTrouble } from '../../redis/durability.js';
import { TAKE_FROM_TAIL } from './scripts.js';
import { BackupJournal, type BackupSink } from './backup-journal.js';
import { acquireBulkLock, bulkKeys, type BulkKeys } from './bulk-lock.js';
import { CHUNK, heldCount, returnHeld, walkChunks } from './chunked.js';
import { stagedMove } from './staged-move.js';

export interface BulkOptions {
  mode: 'move' | 'purge';
  filter: MessageFilter | null;
  limit?: number;
  dryRun: boolean;
  /** For a move: the destination queue, and whether to keep the old routing key. */
  dst?: { queue: string; keepRouting: boolean };
  /**
   * For a purge with --backup: called with the records before they are removed; must have flushed them
   * when it resolves.
   */
  backup?: (records: ExportRecord[]) => Promise<void>;
  /**
   * Called with records that were backed up but not removed (a worker took them first). A move or purge
   * of a queue never needs it (the chunk is out of workers' reach while it is decided on); unacked purges do.
   */
  retract?: (sha1s: string[]) => Promise<void>;
  /**
   * For a purge: the backup file, written as a journal (records, then retractions and a commit line per
   * window; see BackupJournal), so that no interruption makes an import of it run a message twice.
   * Use instead of backup/retract.
   */
  backupTo?: BackupSink;
  progress?: (scanned: number) => void;
  signal?: AbortSignal;
}

export interface BulkResult {
  scanned: number;
  matched: number;
  /** Moved or removed. */
  done: number;
  /** Matched but gone before the change (taken by a worker meanwhile). */
  vanished: number;
  /** Matched but could not be changed (e.g. no routing key to rewrite); left in place. */
  failed: { position: number; reason: string }[];
  /**
   * Messages an interrupted earlier move or purge had held aside (SIGKILL), put back before this run
   * started; in a dry run, how many are held (not examined).
   */
  recovered?: number;
}

/** Throws unless every bucket key of the destination is a list or absent: nothing may be pushed onto a string. */
export async function assertListKeys(redis: Redis, keys: Buffer[], what: string): Promise<void> {
  const p = redis.pipeline();
  for (const k of keys) p.type(k);
  const types = ((await p.exec()) ?? []).map(([, v]) => String(v));
  types.forEach((type, i) => {
    if (type !== 'list' && type !== 'none') {
      // A key of another type is a finding (exit 1), as everywhere else (see WrongTypeError).
      const why = `${what}: key '${keys[i].toString('latin1')}' holds a ${type}, not a list`;
      throw new LoonError(why, ExitCode.problem, 'nothing was changed; rename or remove that key first');
    }
  });
}

/**
 * Moves or purges the matching messages of a queue, bucket by bucket, oldest first: atomic per message,
 * order kept, O(1) per message. A filtered run holds the messages it keeps in a loonctl key until the
 * bucket is done (see chunked.ts); a run interrupted by SIGKILL leaves them there, and the next move or
 * purge of the queue puts them back first.
 */
export async function bulkTake(redis: Redis, t: Transport, src: string | Buffer, o: BulkOptions): Promise<BulkResult> {
  const r: BulkResult = { scanned: 0, matched: 0, done: 0, vanished: 0, failed: [], recovered: 0 };
  try {
    return await walkBuckets(redis, t, src, o, r);
  } catch (e) {
    // Every step is atomic and counted only once a replica has it (Sentinel), so a re-run is always safe.
    const verb = o.mode === 'move' ? 'moved' : 'removed';
    const base = o.mode === 'move' ? 'move' : 'remove';
    // A filtered or backed-up run holds kept messages aside (chunked.ts), a staged move what it has not
    // moved yet (staged-move.ts); a move or purge inside Redis holds none.
    const walks = !!o.filter || !!o.backup || !!o.backupTo;
    const staged = !walks && stagesMove(o) && !o.limit;
    const where = walks ? 'loonctl:held:, loonctl:pending: or loonctl:next:' : 'loonctl:pending:';
    throw interrupted(
      e,
      `${r.done} message(s) ${verb} before that; the step in flight (up to ${CHUNK * 2}) may or may not ` +
        'have been applied; ' +
        (walks || staged ? `messages not done yet may still be held in a ${where} key; ` : '') +
        'nothing is lost or duplicated',
      walks
        ? `run the same command again: it puts held messages back first, then ${base}s the rest`
        : `run the same command again to ${base} the rest`,
    );
  }
}

async function walkBuckets(
  redis: Redis,
  t: Transport,
  src: string | Buffer,
  o: BulkOptions,
  r: BulkResult,
): Promise<BulkResult> {
  const limit = o.limit ?? Infinity;
  const srcName = nameOf(typeof src === 'string' ? Buffer.from(src) : src);
  const journal = o.backupTo ? new BackupJournal(redis, t, o.backupTo) : undefined;
  const backedUp = !!(o.backup || journal);
  if (o.dst) {
    assertQueueDestination(o.dst.queue);
    await assertListKeys(
      redis,
      bucketKeys(t, o.dst.queue).map((b) => b.key),
      `destination '${o.dst.queue}'`,
    );
  }
  await requireTypes(
    redis,
    bucketKeys(t, src).map((b) => b.key),
    'list',
  );
  try {
    for (const b of bucketKeys(t, src)) {
      if (r.matched >= limit || o.signal?.aborted) break;
      if (o.dryRun) await scanBucket(redis, t, b.key, o, r, limit);
      else await takeFromBucket(b);
    }
  } catch (e) {
    // A dropped connection or an unconfirmed write is told by bulkTake (the step in flight, a rerun is safe).
    if (isConnectionTrouble(e)) throw e;
    const verb = o.mode === 'move' ? 'moved' : 'removed';
    throw redisFailure(e, `${verb} ${r.done} of ${r.matched} matched (${r.scanned} scanned) before that`);
  }
  return r;

  /** One priority bucket, under its lock: held messages of an interrupted run back first, then the walk. */
  async function takeFromBucket(b: { step: number; key: Buffer }): Promise<void> {
    const dstKey = o.dst ? bucketKey(t, o.dst.queue, b.step) : b.key;
    const keys = bulkKeys(t, b.key);
    const what = `'${b.key.toString('latin1')}'`;
    const lock = await acquireBulkLock(redis, keys.lock, what);
    const failure = await walk(b, dstKey, keys, lock.token, what).then(
      () => undefined,
      (e: unknown) => ({ e }),
    );
    // Kept messages go back even when the walk failed (a full disk, a destination that changed type); a
    // lost connection leaves them held, for the rerun to put back.
    const notBack = await returnHeld(redis, b.key, keys, lock.token, what).then(
      () => undefined,
      (e: unknown) => ({ e }),
    );
    await lock.release().catch(() => {});
    if (failure) throw failure.e;
    if (notBack) throw notBack.e;
  }

  async function walk(
    b: { step: number; key: Buffer },
    dstKey: Buffer,
    keys: BulkKeys,
    token: string,
    what: string,
  ): Promise<void> {
    const leftover = await heldCount(redis, keys);
    if (leftover) {
      await returnHeld(redis, b.key, keys, token, what);
      r.recovered = (r.recovered ?? 0) + leftover;
    }
    let budget = await redis.llen(b.key);
    if (!o.filter && !backedUp) {
      const before = r.scanned;
      const stopped = await takeWhole(b.key, dstKey, keys, token, what, budget);
      if (!stopped) return;
      budget -= r.scanned - before;
    }
    await walkChunks({
      redis,
      src: b.key,
      dst: dstKey,
      keys,
      token,
      o,
      r,
      limit,
      budget,
      firstChunk: await firstChunk(redis, b.key),
      journal,
      recordBase: backedUp
        ? {
            v: 1,
            source: 'queue',
            queue: srcName.name,
            ...(srcName.name_b64 ? { queue_b64: srcName.name_b64 } : {}),
            bucket: b.step,
          }
        : undefined,
      wrongType: () => wrongTypeMidway(dstKey, r),
      what,
    });
  }

  /**
   * No filter, no backup: a move that rewrites routing keys is staged (staged-move.ts), anything else
   * runs inside Redis (takeAll). True when it stopped at a message it cannot rewrite, now back in the
   * source for the window walk to report.
   */
  async function takeWhole(
    key: Buffer,
    dstKey: Buffer,
    keys: BulkKeys,
    token: string,
    what: string,
    budget: number,
  ): Promise<boolean> {
    if (stagesMove(o)) {
      const wrongType = () => wrongTypeMidway(dstKey, r);
      const staged = await stagedMove({
        redis,
        src: key,
        dst: dstKey,
        keys,
        token,
        o,
        r,
        left: limit - r.matched,
        wrongType,
        what,
      });
      if (staged === 'finished') return false;
      if (staged === 'unrewritable') {
        await returnHeld(redis, key, keys, token, what);
        return true;
      }
    }
    return takeAll(redis, key, dstKey, o, r, limit, budget);
  }
}

/** A move that rewrites routing keys: without a filter or backup it is staged (staged-move.ts). */
function stagesMove(o: BulkOptions): boolean {
  return o.mode === 'move' && !o.dst?.keepRouting;
}

/** Counts what a filtered move or purge would take, reading windows from the tail (changes nothing). */
async function scanBucket(
  redis: Redis,
  t: Transport,
  key: Buffer,
  o: BulkOptions,
  r: BulkResult,
  limit: number,
): Promise<void> {
  r.recovered = (r.recovered ?? 0) + (await heldCount(redis, bulkKeys(t, key)));
  let from = 0;
  let size = await firstChunk(redis, key);
  const length = await redis.llen(key);
  while (from < length && r.matched < limit) {
    const page = await redis.lrangeBuffer(key, -(from + size), -(from + 1));
    if (page.length === 0) break;
    let bytes = 0;
    for (const e of page) bytes += e.length;
    size = nextPageSize(size, page.length, bytes, CHUNK * 4);
    for (let i = page.length - 1; i >= 0 && r.matched < limit; i--) {
      const raw = page[i];
      if (o.filter) {
        if (needsYaml(raw)) await prepareDecode(raw);
        if (!o.filter(decodeMessage(raw), raw)) continue;
      }
      r.matched++;
    }
    from += page.length;
    r.scanned += page.length;
    o.progress?.(r.scanned);
  }
}

/**
 * No filter and no backup: move or drop whole runs inside Redis, up to the length the bucket had when
 * we started (messages pushed meanwhile are not chased). Stops early, leaving the rest to the window
 * walk, at a message whose routing key it cannot rewrite.
 */
async function takeAll(
  redis: Redis,
  key: Buffer,
  dstKey: Buffer,
  o: BulkOptions,
  r: BulkResult,
  limit: number,
  length: number,
): Promise<boolean> {
  let left = Math.min(length, limit - r.matched);
  const mode = o.mode === 'purge' ? 'purge' : o.dst!.keepRouting ? 'keep' : 'rewrite';
  const replacement = o.dst ? pyJsonString(o.dst.queue) : '';
  const sentinel = `loonctl-${randomBytes(16).toString('hex')}`;
  while (left > 0 && !o.signal?.aborted) {
    const [n, stopped] = (await TAKE_FROM_TAIL.run(
      redis,
      [key, dstKey],
      [Math.min(left, 2000), mode, replacement, sentinel],
    )) as [number, number];
    await confirmWrites(redis);
    r.scanned += n;
    r.matched += n;
    r.done += n;
    left -= n;
    o.progress?.(r.scanned);
    if (stopped === 2) throw wrongTypeMidway(dstKey, r);
    if (stopped) return true;
    if (n === 0) return false;
  }
  return false;
}

/** The first chunk of a bucket, from the sizes of its oldest few messages (read only). */
async function firstChunk(redis: Redis, key: Buffer): Promise<number> {
  const sample = await redis.lrangeBuffer(key, -8, -1);
  if (sample.length === 0) return CHUNK;
  const perMessage = Math.max(1, sample.reduce((n, e) => n + e.length, 0) / sample.length);
  return Math.max(1, Math.min(CHUNK, Math.floor(PAGE_BYTES / perMessage)));
}

/** A key that changed type after the check: the script stopped before touching this window. */
function wrongTypeMidway(key: Buffer, r: BulkResult): LoonError {
  return new LoonError(
    `destination key '${key.toString('latin1')}' stopped holding a list during the move`,
    ExitCode.problem,
    `${r.done} message(s) were moved before it; nothing was lost`,
  );
}
