// Broker-only flow on a real Redis: rates from ticks driven with explicit times, the awkward cases
// (restore, filtered removal, identical messages, purge, a deleted queue), not draining, and the stores.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTransport } from '../../dist/celery/transport.js';
import {
  fileFlowStore,
  memoryFlowStore,
  observeFlow,
  redisFlowStore,
  type FlowSample,
} from '../../dist/monitor/flow.js';
import { envelope } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const t = makeTransport();
let n = 0;
const msg = (task = 'tasks.flow_hook_task', priority = 0) => envelope({ id: `id-${n++}`, task, priority });
async function push(count: number, key = 'loonflow', task?: string): Promise<void> {
  for (let i = 0; i < count; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - i) }, () => msg(task));
    await redis.client.lpush(key, ...batch);
  }
}
async function pop(count: number, key = 'loonflow'): Promise<void> {
  if (count > 0) await redis.client.rpop(key, count);
}

beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});
beforeEach(async () => {
  await redis.flush();
});

describe('observeFlow with ticks at explicit times', () => {
  it('a producer at 20/s and a consumer at 12/s are measured exactly, over many ticks', async () => {
    const store = memoryFlowStore();
    await push(500);
    const first = await observeFlow(redis.client, t, ['loonflow'], store, 0);
    expect(first[0]).toMatchObject({ ready: 500, enqueued: null, note: 'first' });
    let sample: FlowSample | undefined;
    for (let s = 1; s <= 10; s++) {
      // Five seconds between ticks, producer and consumer interleaved as they would be.
      for (let k = 0; k < 5; k++) {
        await push(10);
        await pop(6);
        await push(10);
        await pop(6);
      }
      [sample] = await observeFlow(redis.client, t, ['loonflow'], store, s * 5000);
      expect(sample).toMatchObject({ interval_seconds: 5, enqueued: 100, dequeued: 60, exact: true });
      expect(sample.enqueue_rate_per_second).toBe(20);
      expect(sample.dequeue_rate_per_second).toBe(12);
      expect(sample.not_draining_seconds).toBeNull();
    }
    expect(sample!.ready).toBe(500 + 10 * 40);
    // 600 popped: the 500 seen at t=0 and the 100 first seen at 5 s are gone; the oldest left was
    // first seen at 10 s, so it has waited at least 40 s (a lower bound: it may be older by one tick).
    expect(sample!.oldest_age_seconds).toBe(40);
    expect(sample!.oldest_age_exact).toBe(false);
  });

  it('a stalled consumer: not draining, and the oldest age grows with every look', async () => {
    const store = memoryFlowStore();
    await push(50);
    await observeFlow(redis.client, t, ['loonflow'], store, 0);
    await pop(5);
    const [draining] = await observeFlow(redis.client, t, ['loonflow'], store, 10_000);
    expect(draining).toMatchObject({ dequeued: 5, not_draining_seconds: null, oldest_age_seconds: 10 });
    const ages: number[] = [];
    const stalls: number[] = [];
    for (const at of [70_000, 130_000, 190_000]) {
      await push(3);
      const [s] = await observeFlow(redis.client, t, ['loonflow'], store, at);
      expect(s).toMatchObject({ dequeued: 0, enqueued: 3 });
      ages.push(s.oldest_age_seconds!);
      stalls.push(s.not_draining_seconds!);
    }
    expect(ages).toEqual([70, 130, 190]);
    // No dequeue since the look at 10 s.
    expect(stalls).toEqual([60, 120, 180]);
    await pop(1);
    const [again] = await observeFlow(redis.client, t, ['loonflow'], store, 200_000);
    expect(again.not_draining_seconds).toBeNull();
    expect(again.last_dequeue_at).toBe(new Date(200_000).toISOString());
  });

  it('priority buckets are summed into the logical queue', async () => {
    const store = memoryFlowStore();
    await push(10);
    await push(4, 'loonflow\x06\x169', 'tasks.run_flow_task');
    await observeFlow(redis.client, t, ['loonflow'], store, 0);
    await push(2, 'loonflow\x06\x169');
    await pop(3, 'loonflow\x06\x169');
    await pop(1);
    const [s] = await observeFlow(redis.client, t, ['loonflow'], store, 1000);
    expect(s).toMatchObject({ ready: 12, enqueued: 2, dequeued: 4, exact: true });
  });

  it('more traffic than the windows: dequeued is a lower bound and says so', async () => {
    const store = memoryFlowStore();
    await push(100);
    await observeFlow(redis.client, t, ['loonflow'], store, 0);
    await pop(100);
    await push(6000);
    await pop(50);
    const [s] = await observeFlow(redis.client, t, ['loonflow'], store, 1000);
    expect(s).toMatchObject({ ready: 5950, exact: false, note: 'tail_lost' });
    expect(s.dequeued!).toBeGreaterThanOrEqual(32);
    expect(s.dequeued!).toBeLessThanOrEqual(150);
    expect(s.enqueued! - s.dequeued!).toBe(5850);
  });

  it('a kombu restore (RPUSH at the tail) is counted as restored, a filtered purge as removed', async () => {
    const store = memoryFlowStore();
    await push(40);
    await observeFlow(redis.client, t, ['loonflow'], store, 0);
    await redis.client.rpush('loonflow', msg(), msg());
    const [restored] = await observeFlow(redis.client, t, ['loonflow'], store, 1000);
    expect(restored).toMatchObject({ restored: 2, enqueued: 0, dequeued: 0, exact: true });
    const middle = await redis.client.lindexBuffer('loonflow', 20);
    await redis.client.lrem('loonflow', 1, middle!);
    await pop(1);
    const [removed] = await observeFlow(redis.client, t, ['loonflow'], store, 2000);
    expect(removed).toMatchObject({ removed: 1, dequeued: 1, enqueued: 0, ready: 40, exact: true });
  });

  it('identical messages never break it: the least traffic that explains them, marked inexact', async () => {
    const store = memoryFlowStore();
    const same = msg();
    await redis.client.lpush('loonflow', ...Array.from({ length: 20 }, () => same));
    await observeFlow(redis.client, t, ['loonflow'], store, 0);
    await redis.client.lpush('loonflow', same, same, same);
    await pop(1);
    const [s] = await observeFlow(redis.client, t, ['loonflow'], store, 1000);
    expect(s).toMatchObject({ ready: 22, exact: false, note: 'ambiguous' });
    expect(s.enqueued! - s.dequeued!).toBe(2);
  });

  it('a purged or deleted queue reads as emptied (at least what was there went), then starts again', async () => {
    const store = memoryFlowStore();
    await push(30);
    await observeFlow(redis.client, t, ['loonflow'], store, 0);
    await redis.client.del('loonflow');
    const [gone] = await observeFlow(redis.client, t, ['loonflow'], store, 1000);
    expect(gone).toMatchObject({ ready: 0, dequeued: 30, enqueued: 0, not_draining_seconds: null });
    expect(gone.oldest_age_seconds).toBeNull();
    await push(5);
    const [back] = await observeFlow(redis.client, t, ['loonflow'], store, 2000);
    expect(back).toMatchObject({ ready: 5, enqueued: 5, dequeued: 0, exact: true });
  });

  it('a key that is not a list counts as empty and is left alone', async () => {
    await redis.client.set('loonflow', 'not a list');
    const [s] = await observeFlow(redis.client, t, ['loonflow'], memoryFlowStore(), 0);
    expect(s.ready).toBe(0);
    expect(await redis.client.get('loonflow')).toBe('not a list');
  });
});

describe('flow stores', () => {
  it('redis: only loonctl:flow is written, a hash with a TTL, shared by two separate observers', async () => {
    await push(10);
    await observeFlow(redis.client, t, ['loonflow'], redisFlowStore(redis.client), 0);
    const keys = (await redis.client.scan(0, 'COUNT', 1000))[1].sort();
    expect(keys).toEqual(['loonctl:flow', 'loonflow']);
    expect(await redis.client.type('loonctl:flow')).toBe('hash');
    const ttl = await redis.client.ttl('loonctl:flow');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(86_400);
    await pop(4);
    const [s] = await observeFlow(redis.client, t, ['loonflow'], redisFlowStore(redis.client), 3000);
    expect(s).toMatchObject({ dequeued: 4, interval_seconds: 3 });
    const short = redisFlowStore(redis.client, 'loonctl:flow:test', 60);
    await observeFlow(redis.client, t, ['loonflow'], short, 0);
    expect(await redis.client.ttl('loonctl:flow:test')).toBeLessThanOrEqual(60);
  });

  it('redis: refuses a key that holds something else', async () => {
    await redis.client.set('loonctl:flow', 'mine');
    await expect(observeFlow(redis.client, t, ['loonflow'], redisFlowStore(redis.client), 0)).rejects.toThrow(
      /not loonctl's flow hash/,
    );
    expect(await redis.client.get('loonctl:flow')).toBe('mine');
  });

  it('file: written whole by rename (no temp file left), read back by the next run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loonctl-flow-'));
    const path = join(dir, 'flow.json');
    await push(10);
    await observeFlow(redis.client, t, ['loonflow'], fileFlowStore(path), 0);
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(dir)).toEqual(['flow.json']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1 });
    await push(2);
    const [s] = await observeFlow(redis.client, t, ['loonflow'], fileFlowStore(path), 2000);
    expect(s).toMatchObject({ enqueued: 2, enqueue_rate_per_second: 1 });
  });
});

describe('looks at a backlog whose ends did not move', () => {
  it('keep the previous windows, so the next movement is measured exactly', async () => {
    const store = memoryFlowStore();
    await push(200);
    await observeFlow(redis.client, t, ['loonflow'], store, 0);
    for (let s = 1; s <= 3; s++) {
      const [still] = await observeFlow(redis.client, t, ['loonflow'], store, s * 1000);
      expect(still).toMatchObject({ ready: 200, enqueued: 0, dequeued: 0, exact: true });
    }
    await pop(7);
    await push(5);
    const [after] = await observeFlow(redis.client, t, ['loonflow'], store, 4000);
    expect(after).toMatchObject({ ready: 198, enqueued: 5, dequeued: 7, exact: true });
    // The oldest message first seen at 0 is still there after 4 s: the lower bound keeps growing.
    expect(after.oldest_age_seconds).toBe(4);
  });
});
