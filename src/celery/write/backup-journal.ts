import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { exportLine, type ExportRecord } from '../export-format.js';
import type { Transport } from '../transport.js';

/** Where backup lines go: the caller's file (written in order, `flush` = on disk). */
export interface BackupSink {
  write(text: string): Promise<void>;
  flush(): Promise<void>;
}

/** How long Redis keeps the record of a window whose commit line never reached the file. */
export const JOURNAL_TTL_S = 30 * 86400;

/** The Redis key that records what one window of a backed-up purge removed (set by the removal script itself). */
export function journalKey(t: Transport, window: string): Buffer {
  return Buffer.concat([t.keyPrefix, Buffer.from(`loonctl:backup-journal:${window}`)]);
}

/** Tokens in a journal value: SHA1s of removed list elements, or unacked tags, one per line. */
export function journalTokens(value: string): string[] {
  return value === '' ? [] : value.split('\n');
}

/**
 * A purge's backup as a journal, so that no interruption can make `import` of it run a message twice:
 * 1. `begin`: the window's records, tagged with a fresh window id, are written and flushed;
 * 2. the removal script removes them and, in the same atomic step, stores what it removed under
 *    `journalKey(window)` in Redis;
 * 3. `commit`: retractions (records not removed) and a commit line are written and flushed, then the key is deleted.
 * `import` trusts a committed window's records minus its retractions; for a window without a commit line it
 * imports only what the Redis journal says was removed, and nothing when there is none (the script never ran).
 */
export class BackupJournal {
  constructor(
    private readonly redis: Redis,
    private readonly t: Transport,
    private readonly sink: BackupSink,
  ) {}

  async begin(records: ExportRecord[]): Promise<{ window: string; key: Buffer }> {
    const window = randomBytes(12).toString('hex');
    let text = '';
    for (const r of records) text += exportLine({ ...r, window });
    await this.sink.write(text);
    await this.sink.flush();
    return { window, key: journalKey(this.t, window) };
  }

  async commit(window: string, retractedShas: string[]): Promise<void> {
    let text = '';
    for (const sha of retractedShas) text += `{"v":1,"retract":"${sha}"}\n`;
    text += `{"v":1,"commit":"${window}"}\n`;
    await this.sink.write(text);
    await this.sink.flush();
    await this.redis.del(journalKey(this.t, window));
  }
}
