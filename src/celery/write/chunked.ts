import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type LoonError } from '../../core/errors.js';
import { decodeMessage, needsYaml, type DecodedMessage } from '../envelope.js';
import { prepareDecode } from '../decode.js';
import type { ExportRecord } from '../export-format.js';
import { nextPageSize } from '../read.js';
import { summarize } from '../summary.js';
import { confirmWrites } from '../../redis/durability.js';
import type { BackupJournal } from './backup-journal.js';
import { JOURNAL_TTL_S } from './backup-journal.js';
import { BULK_LOCK_TTL_MS, lockLost, type BulkKeys } from './bulk-lock.js';
import { RETURN_HELD, TAKE_CHUNK } from './chunk-scripts.js';
import { routingKeyRewriter } from './routing.js';
import type { BulkOptions, BulkResult } from './bulk.js';

/** Most messages in one chunk (also bounded to about PAGE_BYTES by their sizes). */
export const CHUNK = 1000;
/** Most elements one call of RETURN_HELD moves (a few milliseconds of Redis time). */
const RETURN_MAX = 5000;

/** One bucket's move or purge, under its lock: what the walks below share. */
export interface BucketWork {
  redis: Redis;
  src: Buffer;
  /** Where moved messages go (the source for a purge). */
  dst: Buffer;
  keys: BulkKeys;
  token: string;
  o: BulkOptions;
  r: BulkResult;
  /** The destination stopped being a list. */
  wrongType: () => LoonError;
  /** The bucket, for messages. */
  what: string;
}

export interface ChunkWalk extends BucketWork {
  limit: number;
  /** Stop after taking this many from the source: its length at the start (new arrivals are not chased). */
  budget: number;
  firstChunk: number;
  journal?: BackupJournal;
  /** What a backed-up record says about where the message was. */
  recordBase?: Pick<ExportRecord, 'v' | 'source' | 'queue' | 'queue_b64' | 'bucket'>;
}

interface Plan {
  decisions: string;
  rewritten: Buffer[];
  records: ExportRecord[];
  shas: string[];
}

const NO_PLAN: Plan = { decisions: '', rewritten: [], records: [], shas: [] };
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/**
 * A filtered move or purge of one bucket, linear in its length: chunks are taken from the tail into
 * `pending` (out of workers' reach), decided on here, then in one atomic step the matches are moved or
 * dropped and the rest pushed onto `held`, and the next chunk taken. Held messages are put back by
 * returnHeld. With a backup, each chunk's records are written and flushed before the step that removes them.
 */
export async function walkChunks(w: ChunkWalk): Promise<void> {
  const { o, r } = w;
  /** Decisions on what is in pending (sent with the next step). */
  let plan = NO_PLAN;
  /** What the last step took into `next`: pending once the next step applies. */
  let ahead: Buffer[] = [];
  let size = w.firstChunk;
  let open: { window: string; key: Buffer } | undefined;
  const rewrite = o.mode === 'move' && !o.dst!.keepRouting ? routingKeyRewriter(o.dst!.queue) : undefined;
  // Without a backup, the chunk ahead is decided on while Redis applies the step before it. A backup's
  // records are written only once the step before has committed its window.
  const overlap = !w.journal && !o.backup;
  const decideAhead = async (chunk: Buffer[]) => {
    const p = await decide(w, chunk, rewrite);
    r.scanned += chunk.length;
    o.progress?.(r.scanned);
    return p;
  };
  for (;;) {
    const stop = r.matched >= w.limit || w.budget <= 0 || o.signal?.aborted;
    const want = stop ? 0 : Math.min(size, w.budget);
    const args: (string | Buffer | number)[] = [
      w.token,
      BULK_LOCK_TTL_MS,
      o.mode,
      open ? JOURNAL_TTL_S : 0,
      open ? plan.shas.join('\n') : '',
      plan.decisions,
      want,
      ...plan.rewritten,
    ];
    const keys = [w.src, w.keys.pending, w.keys.held, w.dst, open?.key ?? w.src, w.keys.lock, w.keys.next];
    const step = TAKE_CHUNK.runBuffer(w.redis, keys, args) as Promise<[number, number, ...Buffer[]]>;
    step.catch(() => {}); // awaited below
    let next: Plan | undefined;
    if (overlap && ahead.length && !o.signal?.aborted) next = await decideAhead(ahead);
    const res = await step;
    if (res[0] === 1) throw lockLost(w.what);
    if (res[0] === 2) throw w.wrongType();
    if (res[0] !== 0) throw new Error(`${w.what}: the pending chunk changed under loonctl (status ${res[0]})`);
    await confirmWrites(w.redis);
    r.done += res[1];
    if (open) await w.journal!.commit(open.window, []);
    open = undefined;
    if (!overlap && ahead.length && !o.signal?.aborted) {
      next = await decideAhead(ahead);
      if (next.records.length) {
        if (w.journal) open = await w.journal.begin(next.records);
        if (o.backup) await o.backup(next.records);
      }
    }
    // Interrupted before deciding on it: the chunk now in pending goes back with returnHeld.
    if (ahead.length && !next) return;
    plan = next ?? NO_PLAN;
    const chunk = res.slice(2) as Buffer[];
    if (chunk.length) {
      w.budget -= chunk.length;
      let bytes = 0;
      for (const e of chunk) bytes += e.length;
      size = nextPageSize(size, chunk.length, bytes, CHUNK);
    }
    ahead = chunk;
    if (chunk.length === 0 && plan === NO_PLAN) return;
  }
}

/** Keep ('k'), take ('t') or take with a rewritten routing key ('r') each message of a chunk, oldest first. */
async function decide(
  w: ChunkWalk,
  chunk: Buffer[],
  rewrite: ((raw: Buffer) => Buffer | null) | undefined,
): Promise<Plan> {
  const { o, r } = w;
  const backedUp = !!w.recordBase;
  const plan: Plan = { decisions: '', rewritten: [], records: [], shas: [] };
  let decisions = '';
  for (let i = 0; i < chunk.length; i++) {
    const raw = chunk[i];
    if (r.matched >= w.limit) {
      decisions += 'k';
      continue;
    }
    let m: DecodedMessage | undefined;
    if (o.filter || backedUp) {
      if (needsYaml(raw)) await prepareDecode(raw);
      m = decodeMessage(raw, { headersOnly: !backedUp && o.filter?.needsBody === false });
    }
    if (o.filter && !o.filter(m!, raw)) {
      decisions += 'k';
      continue;
    }
    r.matched++;
    const position = r.scanned + i;
    if (rewrite) {
      const rewritten = rewrite(raw);
      if (!rewritten) {
        r.failed.push({ position, reason: 'no delivery_info.routing_key to rewrite (use --keep-routing)' });
        decisions += 'k';
        continue;
      }
      plan.rewritten.push(rewritten);
      decisions += 'r';
    } else decisions += 't';
    if (backedUp) {
      plan.records.push({
        ...w.recordBase!,
        position,
        delivery_tag: m!.deliveryTag,
        message_b64: raw.toString('base64'),
        summary: summarize(m!),
      });
      plan.shas.push(sha1(raw));
    }
  }
  plan.decisions = decisions;
  return plan;
}

/** How many messages the bucket's pending and held keys hold (left by an interrupted run, or this one's). */
export async function heldCount(redis: Redis, keys: BulkKeys): Promise<number> {
  const lens = ((await redis.pipeline().llen(keys.pending).llen(keys.next).llen(keys.held).exec()) ?? []) as [
    unknown,
    number,
  ][];
  return lens.reduce((n, [, len]) => n + Number(len ?? 0), 0);
}

/**
 * Puts pending and held back into the source, order kept, in calls of bounded length. Kept messages
 * return to the tail, where they were; new arrivals stay behind them.
 */
export async function returnHeld(
  redis: Redis,
  src: Buffer,
  keys: BulkKeys,
  token: string,
  what: string,
): Promise<void> {
  for (;;) {
    const status = Number(
      await RETURN_HELD.run(
        redis,
        [src, keys.pending, keys.held, keys.lock, keys.next],
        [token, BULK_LOCK_TTL_MS, RETURN_MAX],
      ),
    );
    await confirmWrites(redis);
    if (status === -1) throw lockLost(what);
    if (status === 0) return;
  }
}
