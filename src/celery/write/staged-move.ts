import type { Redis } from 'ioredis';
import type { LoonError } from '../../core/errors.js';
import { confirmWrites } from '../../redis/durability.js';
import { nextPageSize } from '../read.js';
import { BULK_LOCK_TTL_MS, lockLost, type BulkKeys } from './bulk-lock.js';
import type { BulkOptions, BulkResult } from './bulk.js';
import { routingKeyTextRewriter } from './routing.js';
import type { LeanCore } from '../../redis/lean-client.js';
import { encodeCommands, type Arg, type Reply } from '../../redis/resp.js';
import { COMMIT_STAGED, STAGE_BUCKET } from './staged-scripts.js';

/** Most messages one commit pushes (also bounded to about PAGE_BYTES by their sizes). */
const STAGED_CHUNK = 2000;

export interface StagedMove {
  redis: Redis;
  src: Buffer;
  dst: Buffer;
  keys: BulkKeys;
  token: string;
  o: BulkOptions;
  r: BulkResult;
  /** How many more may be moved (Infinity: no --limit). */
  left: number;
  wrongType: () => LoonError;
  what: string;
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
      [m.src, keys.pending, keys.held, keys.lock],
      [m.token, BULK_LOCK_TTL_MS, Number.isFinite(m.left) ? m.left : -1],
    ),
  );
  if (staged === -1) throw lockLost(m.what);
  if (staged === -2) return 'declined';
  if (staged === -3) throw new Error(`${m.what}: loonctl's pending or held key is not empty`);
  await confirmWrites(redis);
  const rewrite = routingKeyTextRewriter(o.dst!.queue);
  const send = committer(redis);
  let pendingLength = staged;
  let size = STAGED_CHUNK;
  let next: Promise<string[]> | undefined = redis.lrangeBuffer(keys.pending, -size, -1).then(latin1Texts);
  while (next) {
    const chunk = await next;
    next = undefined;
    if (chunk.length === 0 || o.signal?.aborted) return 'finished';
    // LRANGE lists head to tail: the oldest message is the last.
    const out: string[] = [];
    let bytes = 0;
    let stopped = false;
    for (let i = chunk.length - 1; i >= 0; i--) {
      const moved = rewrite(chunk[i]);
      if (moved === null) {
        stopped = true;
        break;
      }
      out.push(moved);
      bytes += moved.length;
    }
    size = nextPageSize(size, out.length, bytes, STAGED_CHUNK);
    if (out.length === 0) return 'unrewritable';
    // Read the next chunk in the same round trip: it is pending's tail once this commit is applied.
    const more = !stopped && pendingLength > out.length && !o.signal?.aborted;
    const step = send(
      m.dst,
      out,
      [keys.lock, m.dst, keys.pending, m.token, BULK_LOCK_TTL_MS, out.length, pendingLength],
      more ? [keys.pending, -size, -1] : undefined,
    );
    next = step.next;
    next?.catch(() => {}); // judged only when the commit went through
    const status = await step.status;
    if (status === 1) throw lockLost(m.what);
    if (status === 2) throw m.wrongType();
    await confirmWrites(redis);
    pendingLength -= out.length;
    r.scanned += out.length;
    r.matched += out.length;
    r.done += out.length;
    o.progress?.(r.scanned);
    if (stopped) return 'unrewritable';
  }
  return 'finished';
}

type Committer = (
  dst: Buffer,
  messages: string[],
  commitArgs: Arg[],
  nextRange: Arg[] | undefined,
) => { status: Promise<number>; next?: Promise<string[]> };

/**
 * MULTI, LPUSH of the messages, EVAL COMMIT_STAGED, EXEC, then (optionally) LRANGE of the next chunk, in
 * one write. On the lean client the LPUSH is encoded here straight from the latin1 texts (one string
 * joined and written once, no Buffer per message); on ioredis each message becomes a Buffer argument.
 */
function committer(redis: Redis): Committer {
  const lean = redis as unknown as Partial<LeanCore>;
  if (typeof lean.sendEncoded === 'function') {
    const sendEncoded = lean.sendEncoded.bind(lean);
    const wire = new Wire();
    return (dst, messages, commitArgs, nextRange) => {
      const commit = ['EVAL', COMMIT_STAGED, 3, ...commitArgs];
      const tail = encodeCommands(nextRange ? [commit, ['EXEC'], ['LRANGE', ...nextRange]] : [commit, ['EXEC']]);
      // The next chunk is decoded as it is parsed, so the client may read it into a reused buffer.
      const decoders = [null, null, null, null, ...(nextRange ? [decodeTexts] : [])];
      const replies = sendEncoded(wire.encode(dst, messages, tail), decoders);
      replies.forEach((p) => p.catch(() => {}));
      const status = replies[3].then((exec) => {
        if (exec instanceof Error) throw exec;
        if (!Array.isArray(exec)) throw new Error('the staged move transaction was cancelled');
        return scriptStatus(exec[1]);
      });
      const next = nextRange
        ? replies[4].then((r) => {
            if (r instanceof Error) throw r;
            return r as string[];
          })
        : undefined;
      return { status, next };
    };
  }
  return (dst, messages, commitArgs, nextRange) => {
    const status = redis
      .multi()
      .lpush(dst, ...messages.map((t) => Buffer.from(t, 'latin1')))
      .eval(COMMIT_STAGED, 3, ...(commitArgs as (string | Buffer | number)[]))
      .exec()
      .then((replies) => {
        if (!replies) throw new Error('the staged move transaction was cancelled');
        const [err, value] = replies[1];
        if (err) throw err;
        return scriptStatus(value);
      });
    const next = nextRange
      ? redis.lrangeBuffer(nextRange[0] as Buffer, nextRange[1] as number, nextRange[2] as number).then(latin1Texts)
      : undefined;
    return { status, next };
  };
}

/**
 * `MULTI`, `LPUSH dst m1 m2 ...` and `tail` as RESP in one Buffer, reused from commit to commit: a fresh
 * megabyte per commit costs more in page faults than the copying. Reuse is safe because the next commit is
 * encoded only after this one's EXEC reply came, when Redis has read every byte of it.
 */
class Wire {
  private buf = Buffer.allocUnsafeSlow(1 << 20);

  encode(dst: Buffer, messages: string[], tail: Buffer): Buffer {
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
