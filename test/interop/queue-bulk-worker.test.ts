// Issue 14: a filtered purge (chunks out of the tail, kept messages held aside and put back) while a real
// Celery worker consumes the same queue: every task is run by the worker or purged into the backup,
// exactly once, never both and never neither, or is still queued.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUnackedValue } from '../../src/celery/read.js';
import { runCli } from '../helpers/cli.js';
import { killWorker, publish, startWorker, waitFor, waitWorkerIdle } from '../helpers/celery.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-bulk-worker-'));
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

const ranIds = (log: string): string[] =>
  existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).id as string)
    : [];

describe('filtered purge with a live Celery worker on the queue', () => {
  it('each task is run once, purged once (in the backup) or still queued: none twice, none lost', async () => {
    await redis.flush();
    // argsrepr '[i]': the grep below matches i = 1, 10-19, 100-199, 1000-1999 (1,111 of 3,000). A queue of
    // its own, so that no other worker on this Redis (another test's, on a reused db) takes anything.
    const sent = publish(redis.url, 'queue', '3000', 'bulkq').map((p) => p.id);
    const log = join(dir, 'ran.log');
    // A worker that takes its time (5 ms a task), so the purge meets a long queue that is being consumed.
    const worker = startWorker({ brokerUrl: redis.url, queues: 'bulkq', log, prefetch: 4, sleep: 0.005 });
    const backup = join(dir, 'purged.jsonl');
    try {
      await waitFor(() => ranIds(log).length >= 20, 60_000, 'the worker to run its first tasks');
      const r = await runCli(
        [
          'queue',
          'purge',
          'bulkq',
          '--grep',
          '"argsrepr": "[1',
          '--backup',
          backup,
          '--yes',
          '--json',
          '--broker-url',
          redis.url,
        ],
        { timeoutMs: 60_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).removed).toBeGreaterThan(0);
      // The worker goes on with what was kept (put back at the tail, in order).
      const after = ranIds(log).length;
      await waitFor(() => ranIds(log).length >= after + 20, 60_000, 'the worker to run kept tasks');
      // Stop it with nothing in flight (a worker stopped mid-task may run it twice or lose it, whatever loonctl
      // did): the rest out of its reach, then wait for what it holds to be run and acked.
      await redis.client.rename('bulkq', 'bulkq-rest');
      await waitWorkerIdle(redis.client, redis.db, 60_000);
    } finally {
      await killWorker(worker, 'SIGTERM');
    }
    const left: string[] = [];
    for (const key of ['bulkq-rest', 'bulkq'])
      for (const x of (await redis.client.lrangeBuffer(key, 0, -1)) as Buffer[])
        left.push(JSON.parse(x.toString()).headers.id as string);
    for (const v of Object.values(await redis.client.hgetallBuffer('unacked'))) {
      const payload = parseUnackedValue(v as Buffer).payload;
      if (payload) left.push(JSON.parse(payload.toString()).headers.id as string);
    }
    const purged = readFileSync(backup, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.message_b64)
      .map((l) => l.summary.id as string);
    const ran = ranIds(log);
    expect(new Set(ran).size).toBe(ran.length);
    expect(new Set(purged).size).toBe(purged.length);
    expect([...ran, ...purged, ...left].sort()).toEqual([...sent].sort());
    expect(left.length).toBeGreaterThan(0);
    expect(ran.filter((id) => purged.includes(id))).toEqual([]);
    expect((await redis.client.keys('loonctl:*')).sort()).toEqual([]);
  }, 240_000);
});
