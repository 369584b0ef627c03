import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { decode } from '../decode.js';
import type { ExportRecord } from '../export-format.js';
import type { MessageFilter } from '../filter.js';
import { readUnacked } from '../read.js';
import { unackedIndexKey, unackedKey, type Transport } from '../transport.js';
import type { BulkOptions, BulkResult } from './bulk.js';
import { redisFailure } from '../../redis/errors.js';
import { unackedRecord } from '../unacked-record.js';
import { DELETE_UNACKED } from './scripts.js';
import { BackupJournal, JOURNAL_TTL_S } from './backup-journal.js';

/**
 * Deletes a queue's matching unacked entries (`queue` null: any queue's; the caller holds
 * `unacked_mutex`). With a backup,
 * the entries are written and flushed before they are deleted; entries acked meanwhile are retracted.
 */
export async function purgeUnacked(
  redis: Redis,
  t: Transport,
  queue: string | null,
  o: Pick<BulkOptions, 'filter' | 'limit' | 'dryRun' | 'backup' | 'retract' | 'backupTo' | 'signal'> & {
    filter: MessageFilter | null;
  },
): Promise<BulkResult> {
  const r: BulkResult = { scanned: 0, matched: 0, done: 0, vanished: 0, failed: [] };
  const limit = o.limit ?? Infinity;
  let batch: { tag: string; value: Buffer; sha: string; record: ExportRecord }[] = [];
  const journal = o.backupTo ? new BackupJournal(redis, t, o.backupTo) : undefined;
  const flush = async () => {
    if (batch.length === 0) return;
    const open = journal ? await journal.begin(batch.map((b) => b.record)) : undefined;
    if (o.backup) await o.backup(batch.map((b) => b.record));
    const args: (Buffer | number)[] = [
      open ? JOURNAL_TTL_S : 0,
      ...batch.flatMap((b) => [Buffer.from(b.tag), b.value]),
    ];
    const keys = [unackedKey(t), unackedIndexKey(t), open?.key ?? unackedKey(t)];
    const deleted = new Set(((await DELETE_UNACKED.run(redis, keys, args)) as string[]).map(String));
    r.done += deleted.size;
    const missing = batch.filter((b) => !deleted.has(b.tag)).map((m) => m.sha);
    r.vanished += missing.length;
    if (open) await journal!.commit(open.window, missing);
    else if (missing.length && o.retract) await o.retract(missing);
    batch = [];
  };
  try {
    await purgeEntries();
  } catch (e) {
    throw redisFailure(e, `removed ${r.done} of ${r.matched} matched before that`);
  }
  return r;

  async function purgeEntries(): Promise<void> {
    for await (const u of readUnacked(redis, t)) {
      if (o.signal?.aborted) break;
      if (queue !== null && u.routingKey !== queue) continue;
      r.scanned++;
      if (!u.payload) {
        r.matched++; // reported, so that matched = done + vanished + failed
        r.failed.push({ position: r.scanned - 1, reason: `unacked entry ${u.tag}: ${u.error}` });
        continue;
      }
      const m = await decode(u.payload);
      if (o.filter && !o.filter(m, u.payload)) continue;
      r.matched++;
      if (!o.dryRun) {
        batch.push({
          tag: u.tag,
          value: u.value,
          sha: createHash('sha1').update(u.payload).digest('hex'),
          record: unackedRecord(t, { ...u, payload: u.payload }, m, { queue: queue ?? u.routingKey ?? '' }),
        });
        if (batch.length >= 200) await flush();
      }
      if (r.matched >= limit) break;
    }
    await flush();
  }
}
