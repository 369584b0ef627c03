import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { decode } from '../decode.js';
import type { ExportRecord } from '../export-format.js';
import type { MessageFilter } from '../filter.js';
import { redisFailure, requireTypes } from '../../redis/errors.js';
import { nextPageSize, PAGE_BYTES } from '../read.js';
import { nameOf, summarize } from '../summary.js';
import { assertQueueDestination, bucketKeys, bucketKey, type Transport } from '../transport.js';
import { ExitCode, LoonError } from '../../core/errors.js';
import { rewriteRoutingKey } from './routing.js';
import { pyJsonString } from '../pyjson.js';
import { confirmWrites, interrupted, isConnectionTrouble } from '../../redis/durability.js';
import { TAKE_FROM_TAIL, TAKE_FROM_WINDOW } from './scripts.js';
import { BackupJournal, JOURNAL_TTL_S, type BackupSink } from './backup-journal.js';

const WINDOW = 1000;
/** How far elements may drift towards the tail (consumed by workers) between reading and taking a window. */
const SLACK = 500;

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
  /** Called with records that were backed up but not removed (a worker took them first). */
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

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/**
 * Moves or purges the matching messages of a queue, bucket by bucket, oldest first, in windows read
 * with LRANGE and changed by one script each: atomic per message, order kept, O(window) per step.
 */
export async function bulkTake(redis: Redis, t: Transport, src: string | Buffer, o: BulkOptions): Promise<BulkResult> {
  const r: BulkResult = { scanned: 0, matched: 0, done: 0, vanished: 0, failed: [] };
  try {
    return await walkBuckets(redis, t, src, o, r);
  } catch (e) {
    // Every step is atomic and counted only once a replica has it (Sentinel), so a re-run is always safe.
    const verb = o.mode === 'move' ? 'moved' : 'removed';
    throw interrupted(
      e,
      `${r.done} message(s) ${verb} before that; the step in flight (up to ${WINDOW * 2}) may or may not ` +
        'have been applied; nothing is lost or duplicated',
      `run the same command again to ${o.mode === 'move' ? 'move' : 'remove'} the rest`,
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
  const mark = `loonctl-mark:${randomBytes(16).toString('hex')}`;
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
    for (const b of bucketKeys(t, src)) await takeFromBucket(b);
  } catch (e) {
    // A dropped connection or an unconfirmed write is told by bulkTake (the step in flight, a rerun is safe).
    if (isConnectionTrouble(e)) throw e;
    const verb = o.mode === 'move' ? 'moved' : 'removed';
    throw redisFailure(e, `${verb} ${r.done} of ${r.matched} matched (${r.scanned} scanned) before that`);
  }
  return r;

  /** One priority bucket: windows from the tail, each changed by one script. */
  async function takeFromBucket(b: { step: number; key: Buffer }): Promise<void> {
    const dstKey = o.dst ? bucketKey(t, o.dst.queue, b.step) : b.key;
    if (!o.filter && !backedUp && !o.dryRun) await takeAll(redis, b.key, dstKey, o, r, limit);
    let s = 0; // distance of the window from the tail
    // Windows hold up to WINDOW messages but about PAGE_BYTES at most (messages can be 50 MB each):
    // a look at the oldest few sizes the first one, then each window sizes the next.
    let window = await firstWindow(redis, b.key);
    while (r.matched < limit && !o.signal?.aborted) {
      const asked = window;
      const page = await redis.lrangeBuffer(b.key, -(s + asked), -(s + 1));
      if (page.length === 0) break;
      window = nextPageSize(
        asked,
        page.length,
        page.reduce((n, e) => n + e.length, 0),
        WINDOW,
      );
      page.reverse(); // oldest first
      const chosen: { sha: string; bytes: Buffer | '=' | ''; raw: Buffer; record?: ExportRecord }[] = [];
      for (let i = 0; i < page.length && r.matched < limit; i++) {
        const raw = page[i];
        const position = r.scanned + i;
        const m = o.filter || backedUp ? await decode(raw) : undefined;
        if (o.filter && !o.filter(m!, raw)) continue;
        r.matched++;
        if (o.dryRun) continue;
        let bytes: Buffer | '=' | '' = '';
        if (o.mode === 'move') {
          if (o.dst!.keepRouting) bytes = '=';
          else {
            const rewritten = rewriteRoutingKey(raw, o.dst!.queue);
            if (!rewritten) {
              r.failed.push({ position, reason: 'no delivery_info.routing_key to rewrite (use --keep-routing)' });
              continue;
            }
            bytes = rewritten;
          }
        }
        const record: ExportRecord | undefined = backedUp
          ? {
              v: 1,
              source: 'queue',
              ...{ queue: srcName.name },
              ...(srcName.name_b64 ? { queue_b64: srcName.name_b64 } : {}),
              bucket: b.step,
              position,
              delivery_tag: m!.deliveryTag,
              message_b64: raw.toString('base64'),
              summary: summarize(m!),
            }
          : undefined;
        chosen.push({ sha: sha1(raw), bytes, raw, record });
      }
      r.scanned += page.length;
      o.progress?.(r.scanned);
      let taken = 0;
      if (chosen.length) {
        const records = backedUp ? chosen.map((c) => c.record!) : [];
        const open = journal ? await journal.begin(records) : undefined;
        if (o.backup) await o.backup(records);
        const args: (string | Buffer | number)[] = [
          mark,
          Math.max(0, s - SLACK),
          s + page.length - 1,
          o.mode,
          open ? JOURNAL_TTL_S : 0,
        ];
        for (const c of chosen) args.push(c.sha, c.bytes);
        const [status, got] = (await TAKE_FROM_WINDOW.run(redis, [b.key, dstKey, open?.key ?? b.key], args)) as [
          number,
          string[],
        ];
        if (status === 1) throw wrongTypeMidway(dstKey, r);
        await confirmWrites(redis);
        taken = got.length;
        r.done += taken;
        const missing =
          taken < chosen.length
            ? missingCopies(
                chosen.map((c) => c.sha),
                got,
              )
            : [];
        r.vanished += missing.length;
        if (open) await journal!.commit(open.window, missing);
        else if (missing.length && o.retract) await o.retract(missing);
      }
      s += page.length - taken;
      if (page.length < asked) break;
    }
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
): Promise<void> {
  let left = Math.min(await redis.llen(key), limit - r.matched);
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
    if (stopped || n === 0) return;
  }
}

/** The first window of a bucket, from the sizes of its oldest few messages (read only). */
async function firstWindow(redis: Redis, key: Buffer): Promise<number> {
  const sample = await redis.lrangeBuffer(key, -8, -1);
  if (sample.length === 0) return WINDOW;
  const perMessage = Math.max(1, sample.reduce((n, e) => n + e.length, 0) / sample.length);
  return Math.max(1, Math.min(WINDOW, Math.floor(PAGE_BYTES / perMessage)));
}

/** The chosen SHA1s not taken, one per copy (several byte-identical copies share a SHA1). */
function missingCopies(chosen: string[], taken: string[]): string[] {
  const left = new Map<string, number>();
  for (const h of taken) left.set(h, (left.get(h) ?? 0) + 1);
  const missing: string[] = [];
  for (const h of chosen) {
    const n = left.get(h) ?? 0;
    if (n > 0) left.set(h, n - 1);
    else missing.push(h);
  }
  return missing;
}

/** A key that changed type after the check: the script stopped before touching this window. */
function wrongTypeMidway(key: Buffer, r: BulkResult): LoonError {
  return new LoonError(
    `destination key '${key.toString('latin1')}' stopped holding a list during the move`,
    ExitCode.problem,
    `${r.done} message(s) were moved before it; nothing was lost`,
  );
}
