import type { Redis } from 'ioredis';
import { confirmWrites } from '../../redis/durability.js';
import { nextPageSize } from '../read.js';
import { BULK_LOCK_TTL_MS, lockLost } from './bulk-lock.js';
import type { BucketWork } from './chunked.js';
import { routingKeyValue, routingKeyValueSpan } from './routing.js';
import { encodedSender } from '../../redis/lean-client.js';
import { encodeCommands, type Arg } from '../../redis/resp.js';
import { PageArena, rangeReader, type Spans } from '../read-spans.js';
import { COMMIT_STAGED, STAGE_BUCKET } from './staged-scripts.js';

/** Most messages one commit pushes (also bounded to about PAGE_BYTES by their sizes). */
const STAGED_CHUNK = 2000;

export interface StagedMove extends BucketWork {
  /** How many more may be moved (Infinity: no --limit). */
  left: number;
}

/**
 * 'finished': all moved, or interrupted (the rest in pending); 'unrewritable': stopped at a message whose
 * routing key cannot be rewritten (it and the rest in pending); 'declined': the bucket holds more than
 * `left` (a --limit), nothing done. What is left in pending goes back with returnHeld.
 */
export type StagedOutcome = 'finished' | 'unrewritable' | 'declined';

/**
 * An unfiltered move that rewrites routing keys, with Redis doing no more per message than copying it:
 * the bucket is renamed into `pending` (out of workers' reach, one O(1) step), then chunks are read from
 * pending's tail (oldest first), rewritten here, and each committed atomically by
 * MULTI / LPUSH destination / COMMIT_STAGED / EXEC. Meanwhile a worker of the source sees it empty (new
 * messages it is sent stay there, behind what is moved); a SIGKILL leaves the rest in pending, which the
 * next move or purge of the queue puts back first.
 */
export async function stagedMove(m: StagedMove): Promise<StagedOutcome> {
  const { redis, keys, o, r } = m;
  const staged = Number(
    await STAGE_BUCKET.run(
      redis,
      [m.src, keys.pending, keys.held, keys.lock, keys.next],
      [m.token, BULK_LOCK_TTL_MS, Number.isFinite(m.left) ? m.left : -1],
    ),
  );
  if (staged === -1) throw lockLost(m.what);
  if (staged === -2) return 'declined';
  if (staged === -3) throw new Error(`${m.what}: loonctl's pending, next or held key is not empty`);
  await confirmWrites(redis);
  const value = routingKeyValue(o.dst!.queue);
  const wire = connection(redis, Buffer.from(value, 'latin1'));
  // Chunks are read into two arenas that take turns: a chunk's bytes stay put until its commit is encoded.
  const arenas = [new PageArena(), new PageArena()];
  let turn = 0;
  const readChunk = (from: number, to: number) => {
    const p = wire.read(keys.pending, from, to, arenas[(turn ^= 1)]);
    p.catch(() => {}); // judged only when the commits before it went through
    return p;
  };
  let pendingLength = staged;
  let size = STAGED_CHUNK;
  let read: Promise<Spans> | undefined = readChunk(-size, -1);
  let inflight: { status: Promise<number>; count: number } | undefined;
  // While a chunk is rewritten, Redis serves the read of the next one and applies the commit before.
  const settle = async () => {
    if (!inflight) return;
    const { status, count } = inflight;
    inflight = undefined;
    const s = await status;
    if (s === 1) throw lockLost(m.what);
    if (s === 2) throw m.wrongType();
    await confirmWrites(redis);
    pendingLength -= count;
    r.scanned += count;
    r.matched += count;
    r.done += count;
    o.progress?.(r.scanned);
  };
  try {
    while (read) {
      const chunk = await read;
      read = undefined;
      if (chunk.count === 0 || o.signal?.aborted) break;
      size = nextPageSize(size, chunk.count, chunk.size, STAGED_CHUNK);
      // The next chunk sits just above this one until this one's commit (sent after the read) applies.
      const after = pendingLength - (inflight?.count ?? 0) - chunk.count;
      if (after > 0) read = readChunk(-(chunk.count + Math.min(size, after)), -(chunk.count + 1));
      const edits = routingEdits(chunk, value);
      await settle();
      if (o.signal?.aborted) break;
      if (edits.count) {
        const commitArgs = [keys.lock, m.dst, keys.pending, m.token, BULK_LOCK_TTL_MS, edits.count, pendingLength];
        inflight = { status: wire.commit(m.dst, chunk, edits, commitArgs), count: edits.count };
      }
      if (edits.count < chunk.count) {
        await settle();
        return 'unrewritable';
      }
    }
    await settle();
    return 'finished';
  } finally {
    inflight?.status.catch(() => {});
  }
}

/**
 * Where each message of a chunk (oldest first) has its routing key replaced: `cutFrom[k]` to `cutTo[k]` in the
 * chunk's bytes, or cutFrom -1 when it already is the destination's. `count`: how many, from the first, can be
 * moved; the message after them has no routing key to rewrite.
 */
interface RoutingEdits {
  count: number;
  cutFrom: Int32Array;
  cutTo: Int32Array;
}

/** Each message is searched as latin1 text that lives only while it is searched: nothing is kept on the heap. */
function routingEdits(chunk: Spans, value: string): RoutingEdits {
  const cutFrom = new Int32Array(chunk.count);
  const cutTo = new Int32Array(chunk.count);
  let count = 0;
  for (; count < chunk.count; count++) {
    const start = chunk.starts[count];
    const span = routingKeyValueSpan(chunk.bytes.toString('latin1', start, chunk.ends[count]), value);
    if (span === null) break;
    cutFrom[count] = span === 'same' ? -1 : start + span[0];
    cutTo[count] = span === 'same' ? -1 : start + span[1];
  }
  return { count, cutFrom, cutTo };
}

interface Wire {
  /** LRANGE of pending into an arena. */
  read(key: Buffer, from: number, to: number, arena: PageArena): Promise<Spans>;
  /** MULTI, LPUSH dst of the edited messages, EVAL COMMIT_STAGED, EXEC; the script's status. */
  commit(dst: Buffer, chunk: Spans, edits: RoutingEdits, commitArgs: Arg[]): Promise<number>;
}

/**
 * The reads and commits of a staged move. On the lean client a chunk is read in place and copied into its
 * arena, and the LPUSH is encoded straight from the arena into a reused buffer; on ioredis each message becomes
 * a Buffer argument.
 */
function connection(redis: Redis, value: Buffer): Wire {
  const read = rangeReader(redis);
  const sendEncoded = encodedSender(redis);
  if (sendEncoded) {
    const encoder = new CommitEncoder(value);
    return {
      read,
      commit: (dst, chunk, edits, commitArgs) => {
        const replies = sendEncoded(encoder.encode(dst, chunk, edits, ['EVAL', COMMIT_STAGED, 3, ...commitArgs]), [
          null,
          null,
          null,
          null,
        ]);
        replies.forEach((p) => p.catch(() => {}));
        return replies[3].then((exec) => {
          if (exec instanceof Error) throw exec;
          if (!Array.isArray(exec)) throw new Error('the staged move transaction was cancelled');
          return scriptStatus(exec[1]);
        });
      },
    };
  }
  return {
    read,
    commit: (dst, chunk, edits, commitArgs) => {
      const messages = Array.from({ length: edits.count }, (_, k) => {
        const [start, end, from] = [chunk.starts[k], chunk.ends[k], edits.cutFrom[k]];
        if (from < 0) return Buffer.from(chunk.bytes.subarray(start, end));
        return Buffer.concat([chunk.bytes.subarray(start, from), value, chunk.bytes.subarray(edits.cutTo[k], end)]);
      });
      return redis
        .multi()
        .lpush(dst, ...messages)
        .eval(COMMIT_STAGED, 3, ...(commitArgs as (string | Buffer | number)[]))
        .exec()
        .then((replies) => {
          if (!replies) throw new Error('the staged move transaction was cancelled');
          const [err, status] = replies[1];
          if (err) throw err;
          return scriptStatus(status);
        });
    },
  };
}

/**
 * `MULTI`, `LPUSH dst m1 m2 ...`, the commit script and `EXEC` as RESP in one Buffer, reused from commit to
 * commit: a fresh megabyte per commit costs more in page faults than the copying. Reuse is safe because a
 * commit is encoded only after the one before has replied, when Redis has read every byte of it. The chunk's
 * bytes are copied in once, behind the command, and each message is moved into place within the buffer
 * (copyWithin): a copy from one Buffer to another makes a typed array each time, three per message.
 */
class CommitEncoder {
  private buf = Buffer.allocUnsafeSlow(1 << 20);
  constructor(private readonly value: Buffer) {}

  encode(dst: Buffer, chunk: Spans, edits: RoutingEdits, script: Arg[]): Buffer {
    const { bytes, starts, ends } = chunk;
    const { count, cutFrom, cutTo } = edits;
    const value = this.value;
    const tail = encodeCommands([script, ['EXEC']]);
    let size = 64 + dst.length + tail.length;
    let lo = bytes.length;
    let hi = 0;
    for (let k = 0; k < count; k++) {
      size += ends[k] - starts[k] + value.length + 16;
      lo = Math.min(lo, starts[k]);
      hi = Math.max(hi, ends[k]);
    }
    // The command never grows past `size`, where the chunk's bytes wait: it cannot overwrite them.
    const need = size + Math.max(0, hi - lo);
    if (need > this.buf.length) this.buf = Buffer.allocUnsafeSlow(Math.max(need, this.buf.length * 2));
    const b = this.buf;
    if (hi > lo) bytes.copy(b, size, lo, hi);
    const shift = size - lo;
    let at = b.write(`*1\r\n$5\r\nMULTI\r\n*${count + 2}\r\n$5\r\nLPUSH\r\n$${dst.length}\r\n`, 0, 'latin1');
    at += dst.copy(b, at);
    at += b.write('\r\n', at, 'latin1');
    for (let k = 0; k < count; k++) {
      const start = starts[k] + shift;
      const end = ends[k] + shift;
      const from = cutFrom[k];
      if (from < 0) {
        at = putLength(b, at, end - start);
        b.copyWithin(at, start, end);
        at += end - start;
      } else {
        const cut = from + shift;
        const rest = cutTo[k] + shift;
        at = putLength(b, at, end - start - (rest - cut) + value.length);
        b.copyWithin(at, start, cut);
        at += cut - start;
        // A routing key is a few bytes: a loop beats Buffer.copy's call into a typed array set.
        for (let i = 0; i < value.length; i++) b[at++] = value[i];
        b.copyWithin(at, rest, end);
        at += end - rest;
      }
      b[at++] = 0x0d;
      b[at++] = 0x0a;
    }
    at += tail.copy(b, at);
    return b.subarray(0, at);
  }
}

/** Writes RESP's `$<n>\r\n` at `at`; returns where it ends. */
function putLength(b: Buffer, at: number, n: number): number {
  const digits = String(n);
  b[at++] = 0x24;
  for (let i = 0; i < digits.length; i++) b[at++] = digits.charCodeAt(i);
  b[at++] = 0x0d;
  b[at++] = 0x0a;
  return at;
}

function scriptStatus(v: unknown): number {
  if (v instanceof Error) throw v;
  return Number(v);
}
