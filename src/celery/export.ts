import type { Redis } from 'ioredis';
import { withSoFar } from '../core/errors.js';
import { redisFailure } from '../redis/errors.js';
import { decode, prepareDecode } from './decode.js';
import { decodeMessageText, missedYaml, type DecodedMessage } from './envelope.js';
import { exportLine, type ExportRecord, queueExportLine, queueLineHead } from './export-format.js';
import type { MessageFilter } from './filter.js';
import { readUnacked } from './read.js';
import { readQueueSpans } from './read-spans.js';
import { unackedRecord } from './unacked-record.js';
import { nameOf, summarize } from './summary.js';
import type { Transport } from './transport.js';

/**
 * Lines go to `write` in Buffers of this many bytes (a page of big messages would not fit a string); a line
 * too long for one goes on its own, as a string. Encoding each line into the Buffer costs less than joining
 * the lines into a string that the output then encodes.
 */
const WRITE_BYTES = 1024 * 1024;
/**
 * Messages per LRANGE page (still bounded to about PAGE_BYTES): each page costs a walk to its offset, so
 * small pages make a 10-million-message export quadratic.
 */
const EXPORT_PAGE = 5000;

/**
 * Streams a queue's messages (or its unacked entries) as export lines through `write` (a page of
 * lines at a time), which may wait for the output to drain: memory stays bounded. A Buffer given to
 * `write` is filled again once its promise resolves: by then it must have been written out (or copied).
 * Returns how many were written.
 */
export async function exportQueue(
  redis: Redis,
  t: Transport,
  queue: Buffer,
  o: { filter: MessageFilter | null; unacked: boolean; limit?: number; summary?: boolean },
  write: (lines: string | Buffer, count: number) => Promise<void> | void,
): Promise<number> {
  let written = 0;
  const counted = async (lines: string | Buffer, count: number) => {
    await write(lines, count);
    written += count;
  };
  try {
    return await exportMessages(redis, t, queue, o, counted);
  } catch (e) {
    throw withSoFar(redisFailure(e), `exported ${written} message(s) before that`);
  }
}

async function exportMessages(
  redis: Redis,
  t: Transport,
  queue: Buffer,
  o: { filter: MessageFilter | null; unacked: boolean; limit?: number; summary?: boolean },
  write: (lines: string | Buffer, count: number) => Promise<void>,
): Promise<number> {
  const qn = nameOf(queue);
  const base = { v: 1 as const, queue: qn.name, ...(qn.name_b64 ? { queue_b64: qn.name_b64 } : {}) };
  let n = 0;
  const limit = o.limit ?? Infinity;
  if (o.unacked) {
    for await (const u of readUnacked(redis, t)) {
      if (u.routingKey !== qn.name || !u.payload) continue;
      const m = await decode(u.payload);
      if (o.filter && !o.filter(m, u.payload)) continue;
      const rec = unackedRecord(t, { ...u, payload: u.payload }, m, base);
      await write(exportLine(rec), 1);
      if (++n >= limit) break;
    }
    return n;
  }
  const out = new LineBuffer(write);
  try {
    n = await exportPages(redis, t, queue, o, base, out);
  } catch (e) {
    await out.settle(); // the count in the error then includes the write in flight
    throw e;
  }
  await out.end();
  return n;
}

async function exportPages(
  redis: Redis,
  t: Transport,
  queue: Buffer,
  o: { filter: MessageFilter | null; limit?: number; summary?: boolean },
  base: Pick<ExportRecord, 'v' | 'queue' | 'queue_b64'>,
  out: LineBuffer,
): Promise<number> {
  // A page at a time, decoding synchronously: per-message promises would cost more than the decoding.
  const decoded = !!o.filter || o.summary !== false;
  const limit = o.limit ?? Infinity;
  let n = 0;
  const heads = new Map<number, string>();
  for await (const page of readQueueSpans(redis, t, queue, EXPORT_PAGE)) {
    const { bytes, starts, ends } = page;
    let head = heads.get(page.bucket);
    if (head === undefined) heads.set(page.bucket, (head = queueLineHead(base, page.bucket)));
    for (let k = 0; k < page.count; k++) {
      const start = starts[k];
      const end = ends[k];
      let m: DecodedMessage | undefined;
      if (decoded) {
        m = decodeMessageText(bytes.toString('utf8', start, end), end - start);
        // The first YAML body loads the parser (as prepareDecode would have before decoding), then again.
        if (missedYaml(m)) {
          await prepareDecode(bytes.subarray(start, end));
          m = decodeMessageText(bytes.toString('utf8', start, end), end - start);
        }
      }
      if (o.filter && !o.filter(m!, bytes.subarray(start, end))) continue;
      const summary = o.summary !== false ? summarize(m!) : undefined;
      const b64 = bytes.toString('base64', start, end);
      const line = queueExportLine(head, page.position + k, m?.deliveryTag ?? null, b64, summary);
      if (!out.add(line)) await out.flushWith(line);
      if (++n >= limit) break;
    }
    await out.flush();
    if (n >= limit) break;
  }
  return n;
}

/**
 * Lines gathered into WRITE_BYTES Buffers (UTF-8, as the output would encode them). Two Buffers take turns:
 * one is filled while the other is written, and a Buffer is filled again only once its write has completed
 * (`write` resolves when the bytes are out): a fresh megabyte per write costs more in page faults than the
 * encoding. One write is in flight at a time, so the output gets the lines in order.
 */
class LineBuffer {
  private bufs = [Buffer.allocUnsafeSlow(WRITE_BYTES), Buffer.allocUnsafeSlow(WRITE_BYTES)];
  private buf = this.bufs[0];
  private at = 0;
  private count = 0;
  private inflight: Promise<void> = Promise.resolve();
  constructor(private readonly write: (lines: string | Buffer, count: number) => Promise<void>) {}

  /** Adds a line if it surely fits (UTF-8 takes at most 3 bytes per UTF-16 unit); false if it may not. */
  add(line: string): boolean {
    if (this.at + line.length * 3 > this.buf.length) return false;
    this.at += this.buf.write(line, this.at);
    this.count++;
    return true;
  }

  /** Writes what is gathered, then the line: into the next Buffer, or on its own when too long for one. */
  async flushWith(line: string): Promise<void> {
    await this.flush();
    if (!this.add(line)) {
      await this.inflight;
      await this.write(line, 1);
    }
  }

  /** Starts writing what is gathered (after the write before it) and hands over the other Buffer. */
  async flush(): Promise<void> {
    await this.inflight;
    if (this.count === 0) return;
    const chunk = this.buf.subarray(0, this.at);
    const count = this.count;
    this.buf = this.buf === this.bufs[0] ? this.bufs[1] : this.bufs[0];
    this.at = 0;
    this.count = 0;
    this.inflight = this.write(chunk, count);
    this.inflight.catch(() => {}); // seen by the next flush or end; never an unhandled rejection meanwhile
  }

  /** Waits for the write in flight, whatever its outcome (after another failure). */
  async settle(): Promise<void> {
    await this.inflight.catch(() => {});
  }

  /** Waits for the last write. */
  async end(): Promise<void> {
    await this.flush();
    await this.inflight;
  }
}
