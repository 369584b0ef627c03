// queue stats on a real Redis: the watch mirror stays equal to a full read through pushes, pops,
// restores, filtered removals, identical messages and purges while reading only what changed; the
// one-shot stats sample long queues and say so.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queueStats } from '../../dist/celery/stats.js';
import { makeTransport } from '../../dist/celery/transport.js';
import { QueueMirror } from '../../dist/monitor/mirror.js';
import { StatsWatcher } from '../../dist/monitor/stats-watch.js';
import { envelope } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const t = makeTransport();
const Q = Buffer.from('loonflow');
const TASKS = ['tasks.flow_hook_task', 'tasks.run_flow_task', 'tasks.send_ticket_notice'];
let n = 0;
// A small deterministic generator, so a failure can be replayed.
let seed = 42;
const rnd = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
function message(): Buffer {
  const i = n++;
  const eta = rnd(5) === 0 ? new Date(Date.UTC(2020 + rnd(20), 0, 1)).toISOString() : null;
  return envelope({ id: `m${i}`, task: TASKS[rnd(3)], priority: [0, 3, 6, 9][rnd(4)], eta });
}
const key = (p: number) => (p === 0 ? 'loonflow' : `loonflow\x06\x16${p}`);

beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});
beforeEach(async () => {
  await redis.flush();
});

async function truth() {
  const s = await queueStats(redis.client, t, Q, { exact: true });
  return { ready: s.ready, by_task: s.by_task, by_priority: s.by_priority, broken: s.broken };
}
function mirrored(m: QueueMirror) {
  const s = m.tally;
  const round = (x: Map<string, number>) => Object.fromEntries([...x].sort((a, b) => b[1] - a[1]));
  return { ready: s.ready, by_task: round(s.byTask), by_priority: round(s.byPriority), broken: s.broken };
}

describe('QueueMirror: a tick reads what changed, and always agrees with a full read', () => {
  it('random pushes, pops, restores, removals and purges over 40 ticks', async () => {
    for (const p of [0, 3, 6, 9]) await redis.client.lpush(key(p), ...Array.from({ length: 300 }, message));
    const m = new QueueMirror(redis.client, t, Q);
    const first = await m.tick();
    expect(first.fetched).toBe(1200);
    let rereads = 0;
    for (let tick = 0; tick < 40; tick++) {
      const p = [0, 3, 6, 9][rnd(4)];
      const op = rnd(10);
      let pushed = 0;
      if (op < 5) {
        pushed = 1 + rnd(60);
        await redis.client.lpush(key(p), ...Array.from({ length: pushed }, message));
        await redis.client.rpop(key(p), rnd(40));
      } else if (op === 5)
        await redis.client.rpush(key(p), message(), message()); // kombu restore
      else if (op === 6) {
        const victim = await redis.client.lindexBuffer(key(p), rnd(50));
        if (victim) await redis.client.lrem(key(p), 1, victim); // a filtered purge
      } else if (op === 7) {
        const same = message();
        await redis.client.lpush(key(p), same, same, same);
      } else if (op === 8 && tick % 3 === 0) await redis.client.del(key(p));
      else await redis.client.rpop(key(p), 1 + rnd(100));
      const r = await m.tick();
      rereads += r.reread;
      expect(mirrored(m), `tick ${tick}, op ${op}`).toEqual(await truth());
      if (op < 5 && r.reread === 0) expect(r.fetched).toBeLessThanOrEqual(pushed);
    }
    // Only a removal from the middle, or both ends lost, makes a bucket be read again.
    expect(rereads).toBeLessThan(10);
  });

  it('a queue that grows and drains past the windows stays exact, reading only the new messages', async () => {
    await redis.client.lpush('loonflow', ...Array.from({ length: 2000 }, message));
    const m = new QueueMirror(redis.client, t, Q);
    await m.tick();
    for (let i = 0; i < 5; i++) {
      await redis.client.lpush('loonflow', ...Array.from({ length: 500 }, message));
      await redis.client.rpop('loonflow', 700);
      const r = await m.tick();
      expect(r).toEqual({ fetched: 500, reread: 0 });
      expect(mirrored(m)).toEqual(await truth());
    }
  });

  it('the watcher reports rates, deltas and what each tick fetched', async () => {
    await redis.client.lpush('loonflow', ...Array.from({ length: 100 }, message));
    const w = new StatsWatcher(redis.client, t, Q);
    const a = await w.tick(0);
    expect(a).toMatchObject({ tick: 1, ready: 100, interval_seconds: null, fetched_messages: 100 });
    await redis.client.lpush('loonflow', ...Array.from({ length: 30 }, message));
    await redis.client.rpop('loonflow', 10);
    const b = await w.tick(2000);
    expect(b).toMatchObject({
      tick: 2,
      ready: 120,
      ready_delta: 20,
      enqueued: 30,
      dequeued: 10,
      enqueue_rate_per_second: 15,
      dequeue_rate_per_second: 5,
      fetched_messages: 30,
      reread_buckets: 0,
      exact: true,
    });
  });
});

describe('one-shot queue stats: bounded', () => {
  it('beyond the exact limit it samples, says how, and the estimates are close', async () => {
    const big = Array.from({ length: 6000 }, (_, i) =>
      envelope({ id: `s${i}`, task: i % 4 === 0 ? 'tasks.run_flow_task' : 'tasks.flow_hook_task' }),
    );
    for (let i = 0; i < big.length; i += 1000) await redis.client.lpush('loonflow', ...big.slice(i, i + 1000));
    await redis.client.lpush(
      'loonflow\x06\x169',
      ...Array.from({ length: 500 }, (_, i) => envelope({ id: `p${i}`, priority: 9 })),
    );
    const s = await queueStats(redis.client, t, Q, { exactLimit: 1000, sampleSize: 1000 });
    expect(s.exact).toBe(false);
    expect(s.sample).toMatchObject({ of: 6500, exact_limit: 1000, window_size: 100 });
    expect(s.sample!.messages).toBeGreaterThanOrEqual(1000);
    // The windows are evenly spaced (no randomness), so the sample and its estimate are exact figures:
    // 11 windows, 1,030 messages read of 6,500, and 1,503 run_flow_task estimated for the true 1,500.
    expect(s.sample).toMatchObject({ messages: 1030, windows: 11 });
    expect(s.ready).toBe(6500);
    expect(s.by_priority['9']).toBe(500);
    expect(s.by_task).toEqual({ 'tasks.flow_hook_task': 4997, 'tasks.run_flow_task': 1503 });
    const exact = await queueStats(redis.client, t, Q, { exactLimit: 1000, exact: true });
    expect(exact).toMatchObject({ exact: true, sample: null, ready: 6500 });
    expect(exact.by_task).toEqual({ 'tasks.flow_hook_task': 5000, 'tasks.run_flow_task': 1500 });
  });
});
