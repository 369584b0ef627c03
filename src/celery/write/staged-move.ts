import type { Redis } from 'ioredis';
import { confirmWrites } from '../../redis/durability.js';
import { nextPageSize } from '../read.js';
import { BULK_LOCK_TTL_MS, lockLost } from './bulk-lock.js';
import type { BucketWork } from './chunked.js';
import { routingKeyTextRewriter } from './routing.js';
import type { LeanCore } from '../../redis/lean-client.js';
import { encodeCommands, type Arg, type Reply } from '../../redis/resp.js';
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
  const rewrite = routingKeyTextRewriter(o.dst!.queue);
  const wire = connection(redis);
  let pendingLength = staged;
  let size = STAGED_CHUNK;
  let read: Promise<string[]> | undefined = wire.read(keys.pending, -size, -1);
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
      if (chunk.length === 0 || o.signal?.aborted) break;
      let bytes = 0;
      for (const t of chunk) bytes += t.length;
      size = nextPageSize(size, chunk.length, bytes, STAGED_CHUNK);
      // The next chunk sits just above this one until this one's commit (sent after the read) applies.
      const after = pendingLength - (inflight?.count ?? 0) - chunk.length;
      if (after > 0) read = wire.read(keys.pending, -(chunk.length + Math.min(size, after)), -(chunk.length + 1));
      read?.catch(() => {}); // judged only when the commits before it went through
      // LRANGE lists head to tail: the oldest message is the last.
      const out: string[] = [];
      for (let i = chunk.length - 1; i >= 0; i--) {
        const moved = rewrite(chunk[i]);
        if (moved === null) break;
        out.push(moved);
      }
      await settle();
      if (o.signal?.aborted) break;
      if (out.length) {
        const commitArgs = [keys.lock, m.dst, keys.pending, m.token, BULK_LOCK_TTL_MS, out.length, pendingLength];
        inflight = { status: wire.commit(m.dst, out, commitArgs), count: out.length };
      }
      if (out.length < chunk.length) {
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

interface Wire {
  /** LRANGE of messages as latin1 text. */
  read(key: Buffer, from: number, to: number): Promise<string[]>;
  /** MULTI, LPUSH dst of the messages, EVAL COMMIT_STAGED, EXEC; the script's status. */
  commit(dst: Buffer, messages: string[], commitArgs: Arg[]): Promise<number>;
}

/**
 * The reads and commits of a staged move. On the lean client the LPUSH is encoded here straight from the
 * latin1 texts into a reused buffer, and reads are decoded as they are parsed (so the client may read them
 * into a reused buffer too); on ioredis each message becomes a Buffer argument.
 */
function connection(redis: Redis): Wire {
  const lean = redis as unknown as Partial<LeanCore>;
  if (typeof lean.sendEncoded === 'function') {
    const sendEncoded = lean.sendEncoded.bind(lean);
    const encoder = new CommitEncoder();
    return {
      read: (key, from, to) =>
        sendEncoded(encodeCommands([['LRANGE', key, from, to]]), [decodeTexts])[0].then((r) => {
          if (r instanceof Error) throw r;
          return r as string[];
        }),
      commit: (dst, messages, commitArgs) => {
        const replies = sendEncoded(encoder.encode(dst, messages, ['EVAL', COMMIT_STAGED, 3, ...commitArgs]), [
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
    read: (key, from, to) => redis.lrangeBuffer(key, from, to).then(latin1Texts),
    commit: (dst, messages, commitArgs) =>
      redis
        .multi()
        .lpush(dst, ...messages.map((t) => Buffer.from(t, 'latin1')))
        .eval(COMMIT_STAGED, 3, ...(commitArgs as (string | Buffer | number)[]))
        .exec()
        .then((replies) => {
          if (!replies) throw new Error('the staged move transaction was cancelled');
          const [err, value] = replies[1];
          if (err) throw err;
          return scriptStatus(value);
        }),
  };
}

/**
 * `MULTI`, `LPUSH dst m1 m2 ...`, the commit script and `EXEC` as RESP in one Buffer, reused from commit to
 * commit: a fresh megabyte per commit costs more in page faults than the copying. Reuse is safe because a
 * commit is encoded only after the one before has replied, when Redis has read every byte of it.
 */
class CommitEncoder {
  private buf = Buffer.allocUnsafeSlow(1 << 20);

  encode(dst: Buffer, messages: string[], script: Arg[]): Buffer {
    const tail = encodeCommands([script, ['EXEC']]);
    let size = 64 + dst.length + tail.length;
    for (const t of messages) size += t.length + 16;
    if (size > this.buf.length) this.buf = Buffer.allocUnsafeSlow(Math.max(size, this.buf.length * 2));
    const b = this.buf;
    let at = b.write(`*1\r\n$5\r\nMULTI\r\n*${messages.length + 2}\r\n$5\r\nLPUSH\r\n$${dst.length}\r\n`, 0, 'latin1');
    at += dst.copy(b, at);
    at += b.write('\r\n', at, 'latin1');
    for (const t of messages) {
      at += b.write(`$${t.length}\r\n`, at, 'latin1');
      at += b.write(t, at, 'latin1');
      b[at++] = 0x0d;
      b[at++] = 0x0a;
    }
    at += tail.copy(b, at);
    return b.subarray(0, at);
  }
}

/** Messages as latin1 text: one char per byte, every byte kept. */
function latin1Texts(messages: Buffer[]): string[] {
  return messages.map((b) => b.toString('latin1'));
}

function decodeTexts(r: Reply): unknown {
  return Array.isArray(r) ? latin1Texts(r as Buffer[]) : r;
}

function scriptStatus(v: unknown): number {
  if (v instanceof Error) throw v;
  return Number(v);
}
