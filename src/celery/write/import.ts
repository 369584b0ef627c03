import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Redis } from 'ioredis';
import { DataError } from '../../core/errors.js';
import { parseExportLine } from '../export-format.js';
import { bucketKey, bucketKeys, unackedKey, type Transport } from '../transport.js';

export interface ImportOptions {
  to?: string;
  skipExisting: boolean;
  dryRun: boolean;
  progress?: (n: number) => void;
}

export interface ImportResult {
  lines: number;
  imported: number;
  skipped: number;
  retracted: number;
  /** Set when a malformed line stopped the import; everything before it was imported. */
  error?: { line: number; reason: string };
}

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
  const stream = createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (e) {
    throw new DataError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let unackedTags: Set<string> | undefined;
  const present = new Map<string, Set<string>>();
  const retracted = new Set<string>();
  let pipe = redis.pipeline();
  let pending = 0;
  const flush = async () => {
    if (pending === 0) return;
    const out = (await pipe.exec()) ?? [];
    for (const [err] of out) if (err) throw err;
    res.imported += pending;
    pending = 0;
    pipe = redis.pipeline();
    o.progress?.(res.imported);
  };
  // First pass: retractions (a backed-up message a worker took first), which may follow their record.
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    const m = /^\{"v":1,"retract":"([0-9a-f]{40})"\}$/.exec(text);
    if (m) retracted.add(m[1]!);
  }
  const { createHash } = await import('node:crypto');
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    line++;
    res.lines = line;
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
    pipe.lpush(key, bytes);
    if (++pending >= 500) await flush();
  }
  await flush();
  return res;
}
