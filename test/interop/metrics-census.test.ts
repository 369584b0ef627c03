// metrics with a real Celery 5.2 worker: census available, consumers per queue, unacked held vs orphaned,
// and an ETA further than the visibility timeout (Celery redelivers those).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { census } from '../../src/celery/control/census.js';
import { redisNow } from '../../src/celery/read.js';
import { waitFor } from '../helpers/celery.js';
import { runCli } from '../helpers/cli.js';
import { mailboxFor, publishSpec, startControlWorker, type ControlWorker } from '../helpers/control.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { promtoolCheck, sampleValue } from '../helpers/metrics.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let worker: ControlWorker | undefined;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-metrics-census-'));
const hold = join(dir, 'hold');
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  rmSync(hold, { force: true });
  await worker?.stop();
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});

describe('metrics with a live Celery worker', () => {
  it('consumers, census available, held vs orphaned, ETA beyond the visibility timeout', async () => {
    await redis.flush();
    writeFileSync(hold, '');
    worker = startControlWorker({ brokerUrl: redis.url, name: 'w1@metrics', log: join(dir, 'log'), concurrency: 1 });
    const take = () => census(redis.client, mailboxFor(redis.client), { idleTimeoutMs: 500 });
    await waitFor(async () => (await take()).workers.length === 1, 30_000, 'the worker to answer');
    publishSpec(redis.url, [
      { args: [1], kwargs: { hold } },
      { args: [2], kwargs: { hold } },
    ]);
    publishSpec(redis.url, [{ args: [3], countdown: 7200 }]);
    await waitFor(
      async () => {
        const w = (await take()).workers[0];
        return !!w && w.counts.active === 1 && w.counts.reserved === 1 && w.counts.scheduled === 1;
      },
      30_000,
      'the worker to hold one active, one reserved and one scheduled task',
    );
    const now = await redisNow(redis.client);
    await redis.client.hset('unacked', 'tag-ghost', unackedValue(envelope({ id: 'ghost' })));
    await redis.client.zadd('unacked_index', now - 100, 'tag-ghost');

    const r = await runCli(['metrics', '--broker-url', redis.url, '--redis-url', redis.url, '--no-state']);
    expect(r.code).toBe(0);
    expect(promtoolCheck(r.stdout)).toEqual({ code: 0, output: '' });
    const v = (name: string, labels: Record<string, string> = {}) => sampleValue(r.stdout, name, labels);
    expect(v('loonctl_worker_census_available')).toBe(1);
    expect(v('loonctl_workers_live')).toBe(1);
    expect(v('loonctl_queue_consumer_workers', { queue: 'loonflow' })).toBe(1);
    expect(v('loonctl_queue_consumer_processes', { queue: 'loonflow' })).toBe(1);
    expect(v('loonctl_queue_unacked_messages', { queue: 'loonflow' })).toBe(4);
    expect(v('loonctl_queue_unacked_holding_messages', { queue: 'loonflow', state: 'held' })).toBe(3);
    expect(v('loonctl_queue_unacked_holding_messages', { queue: 'loonflow', state: 'orphaned' })).toBe(1);
    const unackedEta = { queue: 'loonflow', state: 'unacked' };
    expect(v('loonctl_queue_eta_messages', unackedEta)).toBe(1);
    expect(v('loonctl_queue_eta_beyond_visibility_timeout_messages', unackedEta)).toBe(1);
  });
});
