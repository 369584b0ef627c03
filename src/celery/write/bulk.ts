import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { decode } from '../decode.js';
import type { ExportRecord } from '../export-format.js';
import type { MessageFilter } from '../filter.js';
import { nameOf, summarize } from '../summary.js';
import { bucketKeys, bucketKey, type Transport } from '../transport.js';
import { rewriteRoutingKey } from './routing.js';
import { pyJsonString } from '../pyjson.js';
import { confirmWrites, interrupted } from '../../redis/durability.js';
import { TAKE_FROM_TAIL, TAKE_FROM_WINDOW } from './scripts.js';

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
  /** For a purge with --backup: called with the records before they are removed; must have flushed them when it resolves. */
  backup?: (records: ExportRecord[]) => Promise<void>;
  /** Called with records that were backed up but not removed (a worker took them first). */
  retract?: (sha1s: string[]) => Promise<void>;
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

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/**
 * Moves or purges the matching messages of a queue, bucket by bucket, oldest first, in windows read
 * with LRANGE and changed by one script each: atomic per message, order kept, O(window) per step.
 */
export async function bulkTake(redis: Redis, t: Transport, src: string, o: BulkOptions): Promise<BulkResult> {
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
  src: string,
  o: BulkOptions,
  r: BulkResult,
): Promise<BulkResult> {
  const mark = `loonctl-mark:${randomBytes(16).toString('hex')}`;
  const limit = o.limit ?? Infinity;
  const srcName = nameOf(Buffer.from(src));
  for (const b of bucketKeys(t, src)) {
    const dstKey = o.dst ? bucketKey(t, o.dst.queue, b.step) : b.key;
    if (!o.filter && !o.backup && !o.dryRun) await takeAll(redis, b.key, dstKey, o, r, limit);
    let s = 0; // distance of the window from the tail
    while (r.matched < limit && !o.signal?.aborted) {
      const page = (await redis.lrangeBuffer(b.key, -(s + WINDOW), -(s + 1))) as Buffer[];
      if (page.length === 0) break;
      page.reverse(); // oldest first
      const chosen: { sha: string; bytes: Buffer | '=' | ''; raw: Buffer; record?: ExportRecord }[] = [];
      for (let i = 0; i < page.length && r.matched < limit; i++) {
        const raw = page[i]!;
        const position = r.scanned + i;
        const m = o.filter || o.backup ? await decode(raw) : undefined;
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
        const record: ExportRecord | undefined = o.backup
          ? { v: 1, source: 'queue', ...{ queue: srcName.name }, ...(srcName.name_b64 ? { queue_b64: srcName.name_b64 } : {}), bucket: b.step, position, delivery_tag: m!.deliveryTag, message_b64: raw.toString('base64'), summary: summarize(m!) }
          : undefined;
        chosen.push({ sha: sha1(raw), bytes, raw, record });
      }
      r.scanned += page.length;
      o.progress?.(r.scanned);
      let taken = 0;
      if (chosen.length) {
        if (o.backup) await o.backup(chosen.map((c) => c.record!));
        const args: (string | Buffer | number)[] = [mark, Math.max(0, s - SLACK), s + page.length - 1];
        for (const c of chosen) args.push(c.sha, c.bytes);
        const got = (await TAKE_FROM_WINDOW.run(redis, [b.key, dstKey], args)) as string[];
        await confirmWrites(redis);
        taken = got.length;
        r.done += taken;
        if (taken < chosen.length) {
          const gotSet = new Set(got);
          const missing = chosen.filter((c) => !gotSet.has(c.sha)).map((c) => c.sha);
          r.vanished += missing.length;
          if (o.retract) await o.retract(missing);
        }
      }
      s += page.length - taken;
      if (page.length < WINDOW) break;
    }
  }
  return r;
}

/**
 * No filter and no backup: move or drop whole runs inside Redis, up to the length the bucket had when
 * we started (messages pushed meanwhile are not chased). Stops early, leaving the rest to the window
 * walk, at a message whose routing key it cannot rewrite.
 */
async function takeAll(redis: Redis, key: Buffer, dstKey: Buffer, o: BulkOptions, r: BulkResult, limit: number): Promise<void> {
  let left = Math.min(await redis.llen(key), limit - r.matched);
  const mode = o.mode === 'purge' ? 'purge' : o.dst!.keepRouting ? 'keep' : 'rewrite';
  const replacement = o.dst ? pyJsonString(o.dst.queue) : '';
  while (left > 0 && !o.signal?.aborted) {
    const step = [Math.min(left, WINDOW * 2), mode, replacement];
    const [n, stopped] = (await TAKE_FROM_TAIL.run(redis, [key, dstKey], step)) as [number, number];
    await confirmWrites(redis);
    r.scanned += n;
    r.matched += n;
    r.done += n;
    left -= n;
    o.progress?.(r.scanned);
    if (stopped || n === 0) return;
  }
}
