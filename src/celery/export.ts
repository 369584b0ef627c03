import type { Redis } from 'ioredis';
import { withSoFar } from '../core/errors.js';
import { redisFailure } from '../redis/errors.js';
import { decode, prepareDecode } from './decode.js';
import { decodeMessage, needsYaml } from './envelope.js';
import { exportLine, queueExportLine, queueLineHead } from './export-format.js';
import type { MessageFilter } from './filter.js';
import { readQueuePages, readUnacked } from './read.js';
import { unackedRecord } from './unacked-record.js';
import { nameOf, summarize } from './summary.js';
import type { Transport } from './transport.js';

/** Lines go to `write` in chunks of about this many characters (a page of big messages would not fit a string). */
const WRITE_CHARS = 1024 * 1024;
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
  write: (lines: string, count: number) => Promise<void> | void,
): Promise<number> {
  let written = 0;
  const counted = async (lines: string, count: number) => {
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
  write: (lines: string, count: number) => Promise<void>,
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
  for await (const page of readQueuePages(redis, t, queue, 0, EXPORT_PAGE)) {
    let lines = '';
    let count = 0;
    for (const e of page) {
      if (decoded && needsYaml(e.raw)) await prepareDecode(e.raw);
      const m = decoded ? decodeMessage(e.raw) : undefined;
      if (o.filter && !o.filter(m!, e.raw)) continue;
      let head = heads.get(e.bucket);
      if (head === undefined) heads.set(e.bucket, (head = queueLineHead(base, e.bucket)));
      const summary = o.summary !== false ? summarize(m!) : undefined;
      lines += queueExportLine(head, e.position, m?.deliveryTag ?? null, e.raw.toString('base64'), summary);
      count++;
      if (++n >= limit) break;
      if (lines.length >= WRITE_CHARS) {
        await write(lines, count);
        lines = '';
        count = 0;
      }
    }
    if (lines) await write(lines, count);
    if (n >= limit) break;
  }
  return n;
}
