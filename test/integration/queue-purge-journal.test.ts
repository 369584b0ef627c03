import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTransport } from '../../src/celery/transport.js';
import type { BackupSink } from '../../src/celery/write/backup-journal.js';
import { bulkTake } from '../../src/celery/write/bulk.js';
import { importFile } from '../../src/celery/write/import.js';
import { purgeUnacked } from '../../src/celery/write/purge-unacked.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const t = makeTransport();
const dir = mkdtempSync(join(tmpdir(), 'loonctl-journal-'));
let n = 0;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});
beforeEach(async () => {
  await redis.flush();
});

/**
 * A backup file whose `failAt`-th flush fails: with `reachesDisk` its lines are on disk and the process dies
 * right after (SIGKILL), else they never get there (a full disk).
 */
function sink(failAt = Infinity, reachesDisk = false): { file: string; sink: BackupSink } {
  const file = join(dir, `backup-${++n}.jsonl`);
  writeFileSync(file, '');
  let flushes = 0;
  let pending = '';
  return {
    file,
    sink: {
      write: async (text) => void (pending += text),
      flush: async () => {
        const failing = ++flushes >= failAt;
        if (!failing || reachesDisk) appendFileSync(file, pending);
        pending = '';
        if (failing) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      },
    },
  };
}

const fill = (count: number) =>
  redis.client.lpush('loonflow', ...Array.from({ length: count }, (_, i) => envelope({ id: `m${i}` })));
const purge = (s: BackupSink) =>
  bulkTake(redis.client, t, 'loonflow', { mode: 'purge', filter: () => true, dryRun: false, backupTo: s });
const workerRunsEverything = () => redis.client.del('loonflow');

describe('a purge with backup interrupted at any point never makes import run a message twice', () => {
  it('stopped after the records were written, before the removal: import brings back nothing', async () => {
    await fill(50);
    const b = sink(1, true);
    await expect(purge(b.sink)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await redis.client.llen('loonflow')).toBe(50); // nothing removed
    expect(readFileSync(b.file, 'utf8').trim().split('\n')).toHaveLength(50);
    await workerRunsEverything();
    const r = await importFile(redis.client, t, b.file, { dryRun: false });
    expect(r).toMatchObject({ imported: 0, uncommitted: 50 });
    expect(await redis.client.llen('loonflow')).toBe(0);
  });

  it('stopped after the removal, before the commit line: the Redis journal says what was removed', async () => {
    await fill(50);
    const b = sink(2);
    await expect(purge(b.sink)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await redis.client.llen('loonflow')).toBe(0);
    expect(readFileSync(b.file, 'utf8')).not.toMatch(/"commit"/);
    const r = await importFile(redis.client, t, b.file, { dryRun: false });
    expect(r).toMatchObject({ imported: 50, uncommitted: 0 });
    expect(await redis.client.llen('loonflow')).toBe(50);
  });

  it('a completed purge: every window committed, no journal left in Redis, import brings all back once', async () => {
    await fill(2500);
    const b = sink();
    const res = await purge(b.sink);
    expect(res).toMatchObject({ matched: 2500, done: 2500 });
    expect(readFileSync(b.file, 'utf8').match(/"commit"/g)).toHaveLength(3);
    expect(await redis.client.keys('loonctl:backup-journal:*')).toEqual([]);
    expect(await importFile(redis.client, t, b.file, { dryRun: false })).toMatchObject({ imported: 2500 });
    expect(await importFile(redis.client, t, b.file, { dryRun: false })).toMatchObject({ imported: 0, skipped: 2500 });
  });

  it('purge --unacked stopped before the removal: import brings back nothing', async () => {
    for (let i = 0; i < 20; i++)
      await redis.client.hset('unacked', `tag-u${i}`, unackedValue(envelope({ id: `u${i}` })));
    const b = sink(1, true);
    await expect(
      purgeUnacked(redis.client, t, 'loonflow', { filter: null, dryRun: false, backupTo: b.sink }),
    ).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await redis.client.hlen('unacked')).toBe(20);
    await redis.client.del('unacked'); // the worker acked them: they ran
    expect(await importFile(redis.client, t, b.file, { dryRun: false })).toMatchObject({
      imported: 0,
      uncommitted: 20,
    });
  });
});
