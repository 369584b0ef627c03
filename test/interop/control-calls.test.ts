import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addConsumer, cancelConsumer, inspectWorkers } from '../../src/celery/control/calls.js';
import { census } from '../../src/celery/control/census.js';
import { revokeTasks } from '../../src/celery/control/revoke-task.js';
import type { ExportRecord } from '../../src/celery/export-format.js';
import { makeTransport } from '../../src/celery/transport.js';
import { waitFor } from '../helpers/celery.js';
import { mailboxFor, publishSpec, ranIds, startControlWorker, type ControlWorker } from '../helpers/control.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

// Every test here runs with a kombu global_keyprefix and a non-zero broker db.
const PREFIX = 'lf:';
let redis: TestRedis;
let worker: ControlWorker;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-calls-'));
const log = join(dir, 'tasks.log');
const NAME = 'wc@calls';
const t = makeTransport({ keyPrefix: PREFIX });
const mb = () => mailboxFor(redis.client, PREFIX);

beforeAll(async () => {
  redis = await claimRedisDb();
  expect(redis.db).toBeGreaterThan(0);
  worker = startControlWorker({
    brokerUrl: redis.url,
    name: NAME,
    log,
    prefetch: 4,
    concurrency: 1,
    keyPrefix: PREFIX,
  });
  await waitFor(
    async () => (await census(redis.client, mb(), { idleTimeoutMs: 300 })).workers.length === 1,
    30_000,
    'the worker to answer',
  );
});
afterAll(async () => {
  await worker?.stop();
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});

describe('inspect, revoke, cancel/add consumer with a real worker, key prefix and db', () => {
  it('census under a key prefix sees the worker and its queue', async () => {
    const c = await census(redis.client, mb());
    expect(c.workers.map((w) => [w.hostname, w.queues])).toEqual([[NAME, ['loonflow']]]);
    expect(c.trusted).toBe(true);
    // Without the prefix, nothing answers: the worker listens on the prefixed channel.
    expect((await census(redis.client, mailboxFor(redis.client), { idleTimeoutMs: 200 })).workers).toEqual([]);
  });

  it('inspect active shows a running time; revoke removes a queued and a prefetched task, neither runs', async () => {
    const hold = join(dir, 'hold');
    writeFileSync(hold, '');
    const [h, r1, r2, r3, q1, q2, q3] = publishSpec(
      redis.url,
      [{ args: [0], kwargs: { hold } }, ...[1, 2, 3, 4, 5, 6].map((i) => ({ args: [i] }))],
      PREFIX,
    ).map((p) => p.id);
    await waitFor(
      async () => {
        const r = await inspectWorkers(redis.client, mb(), 'reserved');
        return r.replies[0]?.tasks?.length === 3;
      },
      30_000,
      'three prefetched tasks',
    );
    const first = await inspectWorkers(redis.client, mb(), 'active', { workers: [NAME] });
    expect(first.replies).toHaveLength(1);
    expect(first.missing).toEqual([]);
    const running = first.replies[0]!.tasks!;
    expect(running.map((x) => x.id)).toEqual([h]);
    expect(running[0]!.timeStart).toBeGreaterThan(0);
    expect(running[0]!.runningS).toBeGreaterThanOrEqual(0);
    await waitFor(
      async () =>
        ((await inspectWorkers(redis.client, mb(), 'active')).replies[0]!.tasks![0]!.runningS ?? 0) >
        running[0]!.runningS!,
      10_000,
      'the running time to grow',
    );
    expect(await redis.client.llen(`${PREFIX}loonflow`)).toBe(3);

    const records: ExportRecord[] = [];
    const r = await revokeTasks(redis.client, t, mb(), [r2!, q2!], {
      dryRun: false,
      backup: async (recs) => void records.push(...recs),
    });
    expect(r.revoke!.acks).toEqual([
      { hostname: NAME, ok: expect.stringContaining('flagged as revoked'), error: null },
    ]);
    expect(r.fromQueues).toEqual([{ queue: 'loonflow', removed: 1 }]);
    expect(r.fromUnacked).toBe(1);
    expect(r.notFound).toEqual([]);
    expect(records.map((x) => [x.source, x.summary?.id]).sort()).toEqual(
      [
        ['queue', q2],
        ['unacked', r2],
      ].sort(),
    );
    expect(await redis.client.llen(`${PREFIX}loonflow`)).toBe(2);

    rmSync(hold);
    const rest = [h!, r1!, r3!, q1!, q3!];
    await waitFor(() => rest.every((id) => ranIds(log).includes(id)), 30_000, 'the other tasks to run');
    await waitFor(async () => (await redis.client.hlen(`${PREFIX}unacked`)) === 0, 10_000, 'unacked to empty');
    expect(ranIds(log).sort()).toEqual([...rest].sort());
    const dry = await revokeTasks(redis.client, t, mb(), ['no-such-task'], { dryRun: true });
    expect(dry).toMatchObject({ revoke: null, fromQueues: [], fromUnacked: 0, notFound: ['no-such-task'] });
    const revoked = await inspectWorkers(redis.client, mb(), 'revoked');
    expect(revoked.replies[0]!.result).toEqual(expect.arrayContaining([r2, q2]));
  }, 60_000);

  it('a running task whose arguments JSON cannot carry (a pickled set) does not break the census', async () => {
    const hold = join(dir, 'hold-set');
    writeFileSync(hold, '');
    const [id] = publishSpec(redis.url, [{ args: [1], kwargs: { hold }, serializer: 'pickle', set_arg: true }], PREFIX);
    try {
      await waitFor(
        async () => (await census(redis.client, mb())).workers[0]?.active.some((a) => a.id === id!.id) ?? false,
        15_000,
        'the census to list the running task',
      );
      const c = await census(redis.client, mb());
      expect(c.trusted).toBe(true);
      expect(String(c.workers[0]!.active[0]!.args)).toContain('{1, 2}');
    } finally {
      rmSync(hold);
    }
    await waitFor(() => ranIds(log).includes(id!.id), 15_000, 'the task to finish');
  });

  it('cancel_consumer stops consumption, add_consumer starts it again; acknowledgements name the worker', async () => {
    const before = ranIds(log).length;
    const off = await cancelConsumer(redis.client, mb(), 'loonflow');
    expect(off.acks).toEqual([{ hostname: NAME, ok: 'no longer consuming from loonflow', error: null }]);
    await waitFor(
      async () => {
        const q = await inspectWorkers(redis.client, mb(), 'queues');
        return Array.isArray(q.replies[0]?.result) && (q.replies[0]!.result as unknown[]).length === 0;
      },
      10_000,
      'the worker to stop consuming',
    );
    const ids = publishSpec(
      redis.url,
      [7, 8, 9].map((i) => ({ args: [i] })),
      PREFIX,
    ).map((p) => p.id);
    await new Promise((r) => setTimeout(r, 1500)); // a consuming worker would have taken them by now
    expect(await redis.client.llen(`${PREFIX}loonflow`)).toBe(3);
    expect(ranIds(log)).toHaveLength(before);
    const on = await addConsumer(redis.client, mb(), 'loonflow', { workers: [NAME] });
    expect(on.acks).toEqual([{ hostname: NAME, ok: 'add consumer loonflow', error: null }]);
    expect(on.missing).toEqual([]);
    await waitFor(() => ids.every((id) => ranIds(log).includes(id)), 30_000, 'the queue to be consumed again');
    const leftovers = await redis.client.keys(`${PREFIX}loonctl-*`);
    const members = (await redis.client.smembers(`${PREFIX}_kombu.binding.reply.celery.pidbox`)).filter((m) =>
      m.startsWith('loonctl-'),
    );
    expect([leftovers, members]).toEqual([[], []]);
    const missing = await cancelConsumer(redis.client, mb(), 'loonflow', {
      workers: ['nobody@nowhere'],
      idleTimeoutMs: 200,
    });
    expect(missing).toMatchObject({ acks: [], missing: ['nobody@nowhere'] });
  }, 60_000);
});
