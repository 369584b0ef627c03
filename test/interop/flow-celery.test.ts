// Broker-only flow against a real Celery producer and worker, in real time. Only direction and generous
// bounds are asserted (a loaded machine runs the worker at any speed); exactness is tested with driven
// times in test/integration/flow.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTransport } from '../../dist/celery/transport.js';
import { observeFlow, redisFlowStore } from '../../dist/monitor/flow.js';
import { killWorker, publish, startWorker, waitFor } from '../helpers/celery.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

const SLEEP_S = 0.05;

describe('flow with a real Celery worker', () => {
  it('a consuming worker gives a dequeue rate within its speed; killed, the queue is not draining', async () => {
    const t = makeTransport();
    const store = redisFlowStore(redis.client);
    const look = async () => (await observeFlow(redis.client, t, ['loonflow'], store))[0];
    publish(redis.url, 'many', '300');
    expect((await look()).ready).toBe(300);
    const worker = startWorker({ brokerUrl: redis.url, queues: 'loonflow', sleep: SLEEP_S, prefetch: 1 });
    try {
      await waitFor(async () => (await redis.client.llen('loonflow')) <= 260, 60_000, 'the worker to take 40');
      publish(redis.url, 'many', '50');
      const busy = await look();
      expect(busy.exact).toBe(true);
      expect(busy.enqueued).toBe(50);
      expect(busy.dequeued!).toBeGreaterThanOrEqual(40);
      expect(busy.ready).toBe(350 - busy.dequeued!);
      // A solo worker that sleeps 50 ms per task takes at most 20 a second (plus one prefetched).
      expect(busy.dequeue_rate_per_second!).toBeGreaterThan(0);
      expect(busy.dequeue_rate_per_second!).toBeLessThanOrEqual(1 / SLEEP_S + 2 / busy.interval_seconds!);
      expect(busy.not_draining_seconds).toBeNull();
    } finally {
      await killWorker(worker);
    }
    // Stalled: nothing takes messages any more.
    await look();
    const stalled: number[] = [];
    const ages: number[] = [];
    for (let i = 0; i < 2; i++) {
      const [s0] = await redis.client.time();
      await waitFor(async () => Number((await redis.client.time())[0]) > Number(s0), 5000, 'a second to pass');
      const s = await look();
      expect(s.dequeued).toBe(0);
      stalled.push(s.not_draining_seconds!);
      ages.push(s.oldest_age_seconds!);
    }
    expect(stalled[0]).toBeGreaterThan(0);
    expect(stalled[1]).toBeGreaterThan(stalled[0]);
    expect(ages[1]).toBeGreaterThan(ages[0]);
  }, 120_000);
});
