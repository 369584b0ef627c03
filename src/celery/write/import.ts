import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import { DataError } from '../../core/errors.js';
import { LineTooLongError, MAX_LINE_BYTES, readLines } from '../../core/read-lines.js';
import { redisFailure, requireTypes } from '../../redis/errors.js';
import { parseExportLine } from '../export-format.js';
import { bucketKey, bucketKeys, unackedKey, type Transport } from '../transport.js';

export interface ImportOptions {
  to?: string;
  skipExisting: boolean;
  dryRun: boolean;
  progress?: (n: number) => void;
  /** Lines longer than this stop the import with an error naming the line (default MAX_LINE_BYTES). */
  maxLineBytes?: number;
}

export interface ImportResult {
  lines: number;
  imported: number;
  skipped: number;
  retracted: number;
  /** Set when a malformed line stopped the import; everything before it was imported. */
  error?: { line: number; reason: string };
}

const RETRACT = /^\{"v":1,"retract":"([0-9a-f]{40})"\}$/;
const RETRACT_LINE_MAX = 64;
const TAG = /"delivery_tag": "((?:[^"\\]|\\.)*)"/;

/** Delivery tags present in a queue's buckets and in unacked (for --skip-existing), read in pages. */
async function presentTags(redis: Redis, t: Transport, queue: string, unacked: Set<string>): Promise<Set<string>> {
  const tags = new Set(unacked);
  for (const b of bucketKeys(t, queue)) {
    for (let i = 0; ; i += 1000) {
      const page = (await redis.lrangeBuffer(b.key, i, i + 999)) as Buffer[];
      for (const raw of page) {
        const m = TAG.exec(raw.toString('latin1'));
        if (m) tags.add(m[1]!);
      }
      if (page.length < 1000) break;
    }
  }
  return tags;
}

/**
 * Pushes back what `queue export` / `purge --backup` wrote, byte for byte, onto its queue and bucket
 * (or `to`), in file order as a producer would (LPUSH). A malformed line stops the import there:
 * every line before it is imported, and the result says which line and why.
 */
export async function importFile(redis: Redis, t: Transport, file: string, o: ImportOptions): Promise<ImportResult> {
  const res: ImportResult = { lines: 0, imported: 0, skipped: 0, retracted: 0 };
  const maxLineBytes = o.maxLineBytes ?? MAX_LINE_BYTES;
  try {
    await access(file, constants.R_OK);
  } catch (e) {
    throw new DataError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const keys = new Set<string>();
  let unackedTags: Set<string> | undefined;
  const present = new Map<string, Set<string>>();
  const retracted = new Set<string>();
  let pipe = redis.pipeline();
  let pending = 0;
  const soFar = () => `imported ${res.imported} message(s) from the first ${res.lines} line(s) of ${file}`;
  const flush = async () => {
    if (pending === 0) return;
    const out = (await pipe.exec()) ?? [];
    pending = 0;
    pipe = redis.pipeline();
    // Count what Redis took, also when it refused some (maxmemory): the summary must be exact.
    const failed = out.find(([err]) => err)?.[0];
    res.imported += out.filter(([err]) => !err).length;
    o.progress?.(res.imported);
    if (failed) throw redisFailure(failed, soFar());
  };
  try {
    // First pass: retractions (a backed-up message a worker took first), which may follow their record.
    for await (const { bytes } of readLines(file, maxLineBytes, 'skip')) {
      if (bytes.length > RETRACT_LINE_MAX) continue;
      const m = RETRACT.exec(bytes.toString('latin1'));
      if (m) retracted.add(m[1]!);
    }
    for await (const { line, bytes: lineBytes } of readLines(file, maxLineBytes)) {
      res.lines = line;
      const text = lineBytes.toString('utf8');
      if (text.trim() === '' || text.startsWith('{"v":1,"retract"')) continue;
      let rec;
      try {
        rec = parseExportLine(text);
      } catch (e) {
        await flush();
        res.error = { line, reason: (e as Error).message };
        return res;
      }
      if (!t.prioritySteps.includes(rec.bucket)) {
        await flush();
        res.error = { line, reason: `bucket ${rec.bucket} is not one of the priority steps ${t.prioritySteps.join(',')}` };
        return res;
      }
      const bytes = Buffer.from(rec.message_b64, 'base64');
      if (retracted.size && retracted.has(createHash('sha1').update(bytes).digest('hex'))) {
        res.retracted++;
        continue;
      }
      const queue = o.to ?? (rec.queue_b64 ? Buffer.from(rec.queue_b64, 'base64').toString('latin1') : rec.queue);
      if (o.skipExisting) {
        unackedTags ??= new Set(((await redis.hkeysBuffer(unackedKey(t))) as Buffer[]).map((b) => b.toString('utf8')));
        if (!present.has(queue)) present.set(queue, await presentTags(redis, t, queue, unackedTags));
        const tag = rec.delivery_tag ?? TAG.exec(bytes.toString('latin1'))?.[1];
        if (tag && present.get(queue)!.has(tag)) {
          res.skipped++;
          continue;
        }
        if (tag) present.get(queue)!.add(tag);
      }
      if (o.dryRun) {
        res.imported++;
        continue;
      }
      const key = bucketKey(t, rec.queue_b64 && !o.to ? Buffer.from(rec.queue_b64, 'base64') : queue, rec.bucket);
      const k = key.toString('latin1');
      if (!keys.has(k)) {
        await flush(); // everything before this line is in, whatever the check finds
        await requireTypes(redis, [key], 'list');
        keys.add(k);
      }
      pipe.lpush(key, bytes);
      if (++pending >= 500) await flush();
    }
    await flush();
  } catch (e) {
    if (e instanceof LineTooLongError) {
      await flush();
      res.error = { line: e.line, reason: `longer than ${e.maxBytes} bytes: not written by export or purge --backup` };
      return res;
    }
    const io = e as NodeJS.ErrnoException;
    if (io.syscall === 'read' || io.syscall === 'open') {
      throw new DataError(`cannot read ${file}: ${io.code ?? io.message}`);
    }
    throw redisFailure(e, soFar());
  }
  return res;
}
