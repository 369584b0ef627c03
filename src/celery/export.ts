import type { Redis } from 'ioredis';
import { withSoFar } from '../core/errors.js';
import { redisFailure } from '../redis/errors.js';
import { decode, prepareDecode } from './decode.js';
import { decodeMessage, missedYaml, type DecodedMessage } from './envelope.js';
import { exportLine, queueExportLine, queueLineHead } from './export-format.js';
import type { MessageFilter } from './filter.js';
import { readQueuePages, readUnacked } from './read.js';
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
 * lines at a time), which may wait for the output to drain: memory stays bounded. Returns how many
 * were written.
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
  // A page at a time, decoding synchronously: per-message promises would cost more than the decoding.
  const decoded = !!o.filter || o.summary !== false;
  const heads = new Map<number, string>();
  const out = new LineBuffer(write);
  for await (const page of readQueuePages(redis, t, queue, 0, EXPORT_PAGE)) {
    for (const e of page) {
      let m: DecodedMessage | undefined;
      if (decoded) {
        m = decodeMessage(e.raw);
        // The first YAML body loads the parser (as prepareDecode would have before decoding), then again.
        if (missedYaml(m)) {
          await prepareDecode(e.raw);
          m = decodeMessage(e.raw);
        }
      }
      if (o.filter && !o.filter(m!, e.raw)) continue;
      let head = heads.get(e.bucket);
      if (head === undefined) heads.set(e.bucket, (head = queueLineHead(base, e.bucket)));
      const summary = o.summary !== false ? summarize(m!) : undefined;
      const line = queueExportLine(head, e.position, m?.deliveryTag ?? null, e.raw.toString('base64'), summary);
      if (!out.add(line)) await out.flushWith(line);
      if (++n >= limit) break;
    }
    await out.flush();
    if (n >= limit) break;
  }
  return n;
}

/** Lines gathered into WRITE_BYTES Buffers (UTF-8, as the output would encode them). */
class LineBuffer {
  private buf = Buffer.allocUnsafe(WRITE_BYTES);
  private at = 0;
  private count = 0;
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
    if (!this.add(line)) await this.write(line, 1);
  }

  async flush(): Promise<void> {
    if (this.count === 0) return;
    // A new Buffer each time: the output may still hold the last one.
    const chunk = this.buf.subarray(0, this.at);
    const count = this.count;
    this.buf = Buffer.allocUnsafe(WRITE_BYTES);
    this.at = 0;
    this.count = 0;
    await this.write(chunk, count);
  }
}
