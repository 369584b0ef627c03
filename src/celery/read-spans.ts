import type { Redis } from 'ioredis';
import { encodedSender } from '../redis/lean-client.js';
import { encodeCommands, type Reply } from '../redis/resp.js';
import { walkQueuePages } from './read.js';
import type { Transport } from './transport.js';

/** A page of a queue's messages, in worker order: message k is `bytes` from `starts[k]` to `ends[k]`. */
export interface SpanPage {
  bucket: number;
  /** The position (0 runs next) of the page's first message. */
  position: number;
  count: number;
  bytes: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  /** The bytes of the messages alone. */
  size: number;
}

/**
 * readQueuePages for a reader that looks at each message once and keeps nothing of its bytes (export).
 * A page is copied, as its reply is parsed, into one of two Buffers that take turns, so its bytes stay
 * valid while the next page arrives, until the reader asks for that one. No fresh memory per page and no
 * Buffer per message: on the lean client the reply is parsed in the reused receive buffer, and a fresh 3 MB
 * per page costs more in page faults than the copying.
 */
export async function* readQueueSpans(
  redis: Redis,
  t: Transport,
  queue: Buffer,
  pageSize: number,
): AsyncGenerator<SpanPage> {
  const arenas = [new PageArena(), new PageArena()];
  let turn = 0;
  const lrange = rangeReader(redis);
  const read = (key: Buffer, start: number, stop: number) => lrange(key, start, stop, arenas[(turn ^= 1)]);
  for await (const { page, bucket, position } of walkQueuePages(redis, t, queue, { skip: 0, pageSize }, read))
    yield { ...page, bucket: bucket.step, position };
}

/** A range of one list held in an arena: message k is `bytes` from `starts[k]` to `ends[k]`, oldest first. */
export type Spans = Omit<SpanPage, 'bucket' | 'position'>;

export type RangeReader = (key: Buffer, from: number, to: number, arena: PageArena) => Promise<Spans>;

/** LRANGE into an arena: on the lean client as the reply is parsed, on ioredis from the Buffers it made. */
export function rangeReader(redis: Redis): RangeReader {
  const sendEncoded = encodedSender(redis);
  if (sendEncoded) {
    return async (key, from, to, arena) => {
      const hold = (r: Reply) => (Array.isArray(r) ? arena.hold(r as Buffer[]) : r);
      const [reply] = sendEncoded(encodeCommands([['LRANGE', key, from, to]]), [hold]);
      const r = await reply;
      if (r instanceof Error) throw r;
      return r as Spans;
    };
  }
  return async (key, from, to, arena) => arena.hold(await redis.lrangeBuffer(key, from, to));
}

/**
 * One reused Buffer that holds a page's reply: its elements lie in order in one stretch of the reply (with
 * RESP's length lines between them), copied at once; the spans list them in worker order (LRANGE's reversed).
 */
export class PageArena {
  private buf = Buffer.allocUnsafeSlow(1 << 20);

  hold(items: Buffer[]): Spans {
    const n = items.length;
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    if (n === 0) return { count: 0, bytes: this.buf, starts, ends, size: 0 };
    const first = items[0];
    const from = first.byteOffset;
    const last = items[n - 1];
    const stretch = last.byteOffset + last.length - from;
    // The elements of a reply parsed in place lie in one stretch of its memory; ioredis' may not: then each
    // is copied on its own.
    let oneStretch = stretch >= 0;
    let size = 0;
    for (const e of items) {
      size += e.length;
      if (e.buffer !== first.buffer || e.byteOffset < from || e.byteOffset + e.length > from + stretch)
        oneStretch = false;
    }
    const need = oneStretch ? stretch : size;
    if (this.buf.length < need) this.buf = Buffer.allocUnsafeSlow(Math.max(need, 2 * this.buf.length));
    if (oneStretch) Buffer.from(first.buffer, from, stretch).copy(this.buf, 0);
    let at = 0;
    for (let j = n - 1, k = 0; j >= 0; j--, k++) {
      const e = items[j];
      if (oneStretch) starts[k] = e.byteOffset - from;
      else {
        starts[k] = at;
        at += e.copy(this.buf, at);
      }
      ends[k] = starts[k] + e.length;
    }
    return { count: n, bytes: this.buf, starts, ends, size };
  }
}
