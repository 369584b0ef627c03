import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import { DataError } from '../../core/errors.js';
import { LineTooLongError, MAX_LINE_BYTES } from '../../core/read-lines.js';
import { redisFailure } from '../../redis/errors.js';
import { parseExportLine, type ExportRecord } from '../export-format.js';
import { bucketKey, isKombuKeyName, type Transport } from '../transport.js';
import { brokerIdentities, messageIdentity } from './presence.js';
import { journalKey, journalTokens } from './backup-journal.js';
import { assertListKeys } from './bulk.js';

export interface ImportOptions {
  to?: string;
  /**
   * Push messages whose delivery tag or task id is already somewhere in the broker (any list, `unacked`) or
   * earlier in the file. Default false: such messages are skipped and counted, so importing twice is harmless.
   */
  allowDuplicates?: boolean;
  /** Accepted for the older command line; skipping is now the default (see allowDuplicates). */
  skipExisting?: boolean;
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
  /**
   * Backed-up records of an interrupted purge window that the purge never removed (no commit line, and
   * Redis's journal of the window does not list them): they are still queued, or a worker ran them.
   */
  uncommitted: number;
  /** Set when a bad line ended the records imported: those before it were imported. */
  error?: { line: number; reason: string };
}

/** One record line to push: where it is in the file and where it goes. */
interface Planned {
  offset: number;
  length: number;
  key: Buffer;
  sha: string;
  tag: string | null;
  id: string | null;
  /** The purge window it was backed up in, and what that window's journal calls it (SHA1 or unacked tag). */
  window?: string;
  token: string;
}

/** `message_b64` of a line already checked by the plan: as exportLine writes it, or parsed. */
function messageB64(text: string): string {
  const m = /"message_b64":"([A-Za-z0-9+/=]*)"/.exec(text);
  return m && text.indexOf('"message_b64"') === text.lastIndexOf('"message_b64"')
    ? m[1]
    : parseExportLine(text).message_b64;
}

/** Lines of a file with their byte offsets (so they can be read again, backwards). */
async function* linesWithOffsets(
  file: string,
  maxBytes: number,
): AsyncGenerator<{ text: string; offset: number; length: number }> {
  let carry: Buffer = Buffer.alloc(0);
  let base = 0; // file offset of carry[0]
  let line = 0;
  for await (const chunk of createReadStream(file)) {
    const buf: Buffer = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      line++;
      if (end - start > maxBytes) throw new LineTooLongError(line, maxBytes);
      yield { text: buf.toString('utf8', start, end), offset: base + start, length: end - start };
      start = nl + 1;
    }
    base += start;
    carry = buf.subarray(start);
    // A line that never ends must not grow without bound (a 600 MB line is not an export record).
    if (carry.length > maxBytes) throw new LineTooLongError(line + 1, maxBytes);
  }
  if (carry.length) yield { text: carry.toString('utf8'), offset: base, length: carry.length };
}

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The Redis key a record goes to, or the reason it cannot be imported. */
function targetKey(t: Transport, rec: ExportRecord, to: string | undefined): Buffer | string {
  if (!t.prioritySteps.includes(rec.bucket))
    return `bucket ${rec.bucket} is not one of the priority steps ${t.prioritySteps.join(',')}`;
  let queue: Buffer;
  if (to !== undefined) queue = Buffer.from(to, 'utf8');
  else if (rec.queue_b64 !== undefined) {
    if (typeof rec.queue_b64 !== 'string' || !B64.test(rec.queue_b64)) return 'queue_b64 is not base64';
    queue = Buffer.from(rec.queue_b64, 'base64');
  } else queue = Buffer.from(rec.queue, 'utf8');
  if (queue.length === 0) return 'the queue name is empty';
  if (isKombuKeyName(queue.toString('latin1')))
    return `'${queue.toString('latin1')}' is one of kombu's own keys, not a queue`;
  return bucketKey(t, queue, rec.bucket);
}

/**
 * Reads every line before anything is pushed. A bad line ends the records taken (those before it are
 * imported, as with a backup whose last line was cut short); retractions are read to the end.
 */
async function plan(
  t: Transport,
  file: string,
  o: ImportOptions,
  res: ImportResult,
): Promise<{ planned: Planned[]; commits: Set<string> }> {
  const planned: Planned[] = [];
  const retractions = new Map<string, number>();
  const commits = new Set<string>();
  let line = 0;
  const lines = linesWithOffsets(file, o.maxLineBytes ?? MAX_LINE_BYTES);
  for await (const l of guardLength(lines, res)) {
    line++;
    res.lines = line;
    if (l.text.trim() === '') continue;
    const retract = /^\{"v":1,"retract":"([0-9a-f]{40})"\}$/.exec(l.text);
    if (retract) {
      retractions.set(retract[1], (retractions.get(retract[1]) ?? 0) + 1);
      continue;
    }
    const commit = /^\{"v":1,"commit":"([0-9a-f]+)"\}$/.exec(l.text);
    if (commit) {
      commits.add(commit[1]);
      continue;
    }
    if (res.error) continue;
    let rec: ExportRecord;
    try {
      rec = parseExportLine(l.text);
    } catch (e) {
      res.error = { line, reason: (e as Error).message };
      continue;
    }
    const key = targetKey(t, rec, o.to);
    const bytes = Buffer.from(rec.message_b64, 'base64');
    const reason = typeof key === 'string' ? key : bytes.length === 0 ? 'the message is empty' : null;
    if (reason) {
      res.error = { line, reason };
      continue;
    }
    const summaryId = rec.summary?.id;
    const identity = rec.delivery_tag && summaryId ? { tag: rec.delivery_tag, id: summaryId } : messageIdentity(bytes);
    const sha = createHash('sha1').update(bytes).digest('hex');
    const token = rec.source === 'unacked' && rec.unacked_tag ? rec.unacked_tag : sha;
    const window = typeof rec.window === 'string' ? rec.window : undefined;
    planned.push({
      offset: l.offset,
      length: l.length,
      key: key as Buffer,
      sha,
      tag: rec.delivery_tag ?? identity.tag,
      id: identity.id ?? rec.summary?.id ?? null,
      window,
      token,
    });
  }
  // A retraction cancels one backed-up copy that a worker took first (it may follow its record).
  const kept = planned.filter((p) => {
    const n = retractions.get(p.sha) ?? 0;
    if (n === 0) return true;
    retractions.set(p.sha, n - 1);
    res.retracted++;
    return false;
  });
  return { planned: kept, commits };
}

/** Ends the lines at one that is too long, reporting it as the import's error (exit 65 with its number). */
async function* guardLength<T>(lines: AsyncGenerator<T>, res: ImportResult): AsyncGenerator<T> {
  try {
    yield* lines;
  } catch (e) {
    if (!(e instanceof LineTooLongError)) throw e;
    res.error ??= { line: e.line, reason: e.message.replace(/^line \d+ is/, 'it is') };
  }
}

/**
 * Records of a purge window without a commit line (the purge was interrupted): only those the window's
 * Redis journal lists were removed; without a journal the removal never happened.
 */
async function withoutUncommitted(
  redis: Redis,
  t: Transport,
  planned: Planned[],
  commits: Set<string>,
  res: ImportResult,
): Promise<Planned[]> {
  const open = new Set(planned.filter((p) => p.window !== undefined && !commits.has(p.window)).map((p) => p.window!));
  if (open.size === 0) return planned;
  const removed = new Map<string, Map<string, number>>();
  for (const w of open) {
    const value = await redis.get(journalKey(t, w));
    const counts = new Map<string, number>();
    for (const token of value === null ? [] : journalTokens(value)) counts.set(token, (counts.get(token) ?? 0) + 1);
    removed.set(w, counts);
  }
  return planned.filter((p) => {
    if (p.window === undefined || commits.has(p.window)) return true;
    const counts = removed.get(p.window)!;
    const n = counts.get(p.token) ?? 0;
    if (n > 0) {
      counts.set(p.token, n - 1);
      return true;
    }
    res.uncommitted++;
    return false;
  });
}

/** Drops what the broker already holds, or what an earlier line of the file already brings. */
async function withoutDuplicates(
  redis: Redis,
  t: Transport,
  planned: Planned[],
  res: ImportResult,
): Promise<Planned[]> {
  if (planned.length === 0) return planned;
  const { tags, ids } = await brokerIdentities(redis, t);
  return planned.filter((p) => {
    if ((p.tag !== null && tags.has(p.tag)) || (p.id !== null && ids.has(p.id))) {
      res.skipped++;
      return false;
    }
    if (p.tag !== null) tags.add(p.tag);
    if (p.id !== null) ids.add(p.id);
    return true;
  });
}

/**
 * Pushes back what `queue export` / `purge --backup` wrote, byte for byte, onto its queue and bucket (or
 * `to`), in the recorded order at the end workers take from (the first record runs first, before what is
 * queued, as where it was taken from). Messages already in the broker are skipped unless allowDuplicates;
 * retracted records are left out. Every line is read before the first push; a bad line (reported in
 * `error`, exit 65 for the command) ends the records imported.
 */
export async function importFile(redis: Redis, t: Transport, file: string, o: ImportOptions): Promise<ImportResult> {
  const res: ImportResult = { lines: 0, imported: 0, skipped: 0, retracted: 0, uncommitted: 0 };
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new DataError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const read = await plan(t, file, o, res);
    let planned = await withoutUncommitted(redis, t, read.planned, read.commits, res);
    if (!o.allowDuplicates) planned = await withoutDuplicates(redis, t, planned, res);
    if (o.dryRun) {
      res.imported = planned.length;
      return res;
    }
    const keys = new Map(planned.map((p) => [p.key.toString('latin1'), p.key]));
    await assertListKeys(redis, [...keys.values()], 'import target');
    // Backwards, RPUSH: the last record first, so the first ends at the tail and runs next.
    let chunk = Buffer.alloc(0);
    let chunkStart = 0;
    let pipe = redis.pipeline();
    let pending = 0;
    const flush = async () => {
      if (pending === 0) return;
      const out = (await pipe.exec()) ?? [];
      pending = 0;
      pipe = redis.pipeline();
      // Count what Redis took, also when it refused some (maxmemory): the summary must be exact.
      res.imported += out.filter(([err]) => !err).length;
      o.progress?.(res.imported);
      const failed = out.find(([err]) => err)?.[0];
      if (failed) throw redisFailure(failed, `imported ${res.imported} message(s) from ${file} before that`);
    };
    for (let i = planned.length - 1; i >= 0; i--) {
      const p = planned[i];
      if (p.offset < chunkStart || p.offset + p.length > chunkStart + chunk.length) {
        const end = p.offset + p.length;
        chunkStart = Math.max(0, end - Math.max(4 << 20, p.length));
        chunk = Buffer.alloc(end - chunkStart);
        await fh.read(chunk, 0, chunk.length, chunkStart);
      }
      const text = chunk.toString('utf8', p.offset - chunkStart, p.offset - chunkStart + p.length);
      pipe.rpush(p.key, Buffer.from(messageB64(text), 'base64'));
      if (++pending >= 500) await flush();
    }
    await flush();
    return res;
  } finally {
    await fh.close();
  }
}
