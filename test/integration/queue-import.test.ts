import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exportLine, type ExportRecord } from '../../src/celery/export-format.js';
import { makeTransport } from '../../src/celery/transport.js';
import { bulkTake } from '../../src/celery/write/bulk.js';
import { importFile } from '../../src/celery/write/import.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const t = makeTransport();
const dir = mkdtempSync(join(tmpdir(), 'loonctl-import-'));
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});
beforeEach(async () => {
  await redis.flush();
});

/** Ids in the order a worker takes them (tail first). */
const workerOrder = async (key: string) =>
  ((await redis.client.lrangeBuffer(key, 0, -1)) as Buffer[])
    .map((e) => JSON.parse(e.toString()).headers.id as string)
    .reverse();
const record = (id: string, extra: Partial<ExportRecord> = {}): ExportRecord => ({
  v: 1,
  source: 'queue',
  queue: 'loonflow',
  bucket: 0,
  position: 0,
  delivery_tag: `tag-${id}`,
  message_b64: envelope({ id }).toString('base64'),
  ...extra,
});
const write = (name: string, lines: string[]) => {
  const file = join(dir, name);
  writeFileSync(file, lines.join(''));
  return file;
};
const base = { dryRun: false };

describe('import is idempotent', () => {
  it('importing the same file twice: the second run skips every message', async () => {
    const file = write(
      'twice.jsonl',
      ['a', 'b', 'c'].map((id) => exportLine(record(id))),
    );
    expect(await importFile(redis.client, t, file, base)).toMatchObject({ imported: 3, skipped: 0 });
    expect(await importFile(redis.client, t, file, base)).toMatchObject({ imported: 0, skipped: 3 });
    expect(await workerOrder('loonflow')).toEqual(['a', 'b', 'c']);
    expect(await importFile(redis.client, t, file, { ...base, allowDuplicates: true })).toMatchObject({
      imported: 3,
      skipped: 0,
    });
  });

  it('skips a message whose tag or task id is anywhere in the broker: another queue, a bucket, unacked', async () => {
    await redis.client.lpush('elsewhere\x06\x166', envelope({ id: 'a' }));
    await redis.client.hset('unacked', 'tag-b', unackedValue(envelope({ id: 'b' })));
    const sameIdOtherTag = JSON.parse(envelope({ id: 'c' }).toString());
    sameIdOtherTag.properties.delivery_tag = 'another-tag';
    await redis.client.lpush('other', JSON.stringify(sameIdOtherTag));
    const file = write(
      'present.jsonl',
      ['a', 'b', 'c', 'd', 'd'].map((id) => exportLine(record(id))),
    );
    expect(await importFile(redis.client, t, file, base)).toMatchObject({ imported: 1, skipped: 4 });
    expect(await workerOrder('loonflow')).toEqual(['d']);
  });

  it('restores a partial purge in the recorded order, ahead of what stayed queued', async () => {
    await redis.client.lpush(
      'loonflow',
      ...['m0', 'm1', 'm2', 'm3', 'm4', 'm5'].map((id) =>
        envelope({ id, task: id < 'm3' ? 'tasks.old' : 'tasks.new' }),
      ),
    );
    const lines: string[] = [];
    await bulkTake(redis.client, t, 'loonflow', {
      mode: 'purge',
      filter: (m) => m.task === 'tasks.old',
      dryRun: false,
      backup: async (recs) => void lines.push(...recs.map(exportLine)),
    });
    expect(await workerOrder('loonflow')).toEqual(['m3', 'm4', 'm5']);
    const r = await importFile(redis.client, t, write('partial.jsonl', lines), base);
    expect(r).toMatchObject({ imported: 3 });
    expect(await workerOrder('loonflow')).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('a retraction cancels one copy, not every byte-identical one', async () => {
    const rec = record('same');
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha1').update(Buffer.from(rec.message_b64, 'base64')).digest('hex');
    const file = write('retract.jsonl', [
      exportLine(rec),
      exportLine(rec),
      exportLine(rec),
      `{"v":1,"retract":"${sha}"}\n`,
    ]);
    expect(await importFile(redis.client, t, file, { ...base, allowDuplicates: true })).toMatchObject({
      imported: 2,
      retracted: 1,
    });
  });
});

describe('a target key that is not a list', () => {
  it('stops the import before the first push', async () => {
    await redis.client.set('other', 'a string');
    const file = write('wrongtype.jsonl', [exportLine(record('a')), exportLine(record('b', { queue: 'other' }))]);
    await expect(importFile(redis.client, t, file, base)).rejects.toMatchObject({ exitCode: 1 });
    expect(await redis.client.exists('loonflow')).toBe(0);
    expect(await redis.client.get('other')).toBe('a string');
  });
});

describe('bad records are bad input, never pushed to a key named ""', () => {
  const cases: [string, Partial<ExportRecord>, RegExp][] = [
    ['invalid queue_b64', { queue: '', queue_b64: '!!not base64!!' }, /queue_b64/],
    ['empty queue name', { queue: '' }, /queue name is empty/],
    ['empty message', { message_b64: '' }, /message is empty/],
    ["kombu's own key", { queue: 'unacked' }, /kombu's own keys/],
  ];
  for (const [what, extra, reason] of cases) {
    it(what, async () => {
      const file = write('bad.jsonl', [
        exportLine(record('ok1')),
        exportLine(record('bad', extra)),
        exportLine(record('ok2')),
      ]);
      const r = await importFile(redis.client, t, file, base);
      expect(r.error).toMatchObject({ line: 2 });
      expect(r.error!.reason).toMatch(reason);
      expect(r.imported).toBe(1);
      expect(await redis.client.exists('', 'unacked')).toBe(0);
      expect(await workerOrder('loonflow')).toEqual(['ok1']);
    });
  }
});
