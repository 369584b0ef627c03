// `queue stats --watch` and `queue list --watch` as an operator runs them, against a real Redis: after
// the first tick a tick moves a tiny fraction of the backlog's bytes (INFO stats total_net_output_bytes,
// measured between the JSON lines the CLI prints), and the counts and rates follow the queue.
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { startServer } from '../helpers/ha.js';
import { freePort } from '../helpers/processes.js';
import { envelope } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

/** JSON lines of a running CLI, awaited one at a time. */
function lines(child: ChildProcess) {
  const got: unknown[] = [];
  const waiters: (() => void)[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      got.push(JSON.parse(buf.slice(0, i)));
      buf = buf.slice(i + 1);
      waiters.splice(0).forEach((w) => w());
    }
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<void>((r) => child.on('close', () => (waiters.splice(0).forEach((w) => w()), r())));
  return {
    async next<T>(k: number): Promise<T> {
      while (got.length < k) {
        if (child.exitCode !== null) throw new Error(`CLI ended: ${stderr}`);
        await new Promise<void>((r) => waiters.push(r));
      }
      return got[k - 1] as T;
    },
    async stop() {
      child.kill('SIGINT');
      await closed;
    },
  };
}

const netOut = async (r: Redis) => Number(/total_net_output_bytes:(\d+)/.exec(await r.info('stats'))![1]);

interface Tick {
  tick: number;
  ready: number;
  by_task: Record<string, number>;
  enqueued: number | null;
  dequeued: number | null;
  fetched_messages: number;
}

describe('queue stats --watch on 200,000 messages', () => {
  it('after the first tick, a tick transfers under 1% of the backlog bytes and still counts exactly', async () => {
    // A server of this test's own: INFO's byte counter is server-wide, and other suites share the main one.
    const port = await freePort();
    const server = await startServer(port, ['--port', String(port), '--bind', '127.0.0.1', '--save', '']);
    const own = new Redis(port, '127.0.0.1');
    own.on('error', () => {});
    const url = `redis://127.0.0.1:${port}/0`;
    try {
      await watchBytes(own, url);
    } finally {
      own.disconnect();
      await server.stop();
    }
  }, 180_000);
});

async function watchBytes(redisClient: Redis, url: string): Promise<void> {
  const redis = { client: redisClient, url };
  {
    let backlogBytes = 0;
    for (let i = 0; i < 200_000; i += 5000) {
      const batch = Array.from({ length: 5000 }, (_, j) => envelope({ id: `b${i + j}` }));
      for (const m of batch) backlogBytes += m.length;
      await redis.client.lpush('loonflow', ...batch);
    }
    const cli = lines(spawnCli(['queue', 'stats', 'loonflow', '--watch', '1', '--broker-url', redis.url]));
    try {
      const first = await cli.next<Tick>(1);
      expect(first).toMatchObject({ ready: 200_000, fetched_messages: 200_000 });
      const perTick: number[] = [];
      for (let k = 2; k <= 5; k++) {
        const before = await netOut(redis.client);
        const tick = await cli.next<Tick>(k);
        perTick.push((await netOut(redis.client)) - before);
        expect(tick.fetched_messages).toBe(0);
      }
      for (const bytes of perTick) expect(bytes).toBeLessThan(backlogBytes / 100);
      // Traffic between ticks: 100 new messages of another task, 40 taken by a "worker".
      await redis.client.lpush(
        'loonflow',
        ...Array.from({ length: 100 }, (_, j) => envelope({ id: `n${j}`, task: 'tasks.run_flow_task' })),
      );
      await redis.client.rpop('loonflow', 40);
      let k = 6;
      let t = await cli.next<Tick>(k);
      while (t.by_task['tasks.run_flow_task'] !== 100) t = await cli.next<Tick>(++k);
      expect(t).toMatchObject({
        ready: 200_060,
        by_task: { 'tasks.flow_hook_task': 199_960, 'tasks.run_flow_task': 100 },
        enqueued: 100,
        dequeued: 40,
        fetched_messages: 100,
      });
    } finally {
      await cli.stop();
    }
  }
}

describe('queue list --watch', () => {
  it('prints one JSON line per tick with rates and the change in ready per queue', async () => {
    await redis.flush();
    await redis.client.lpush('loonflow', ...Array.from({ length: 50 }, (_, j) => envelope({ id: `l${j}` })));
    const cli = lines(spawnCli(['queue', 'list', '--watch', '1', '--no-workers', '--broker-url', redis.url]));
    type Row = { name: string; ready: number; ready_delta: number | null; enqueued: number | null };
    try {
      const a = await cli.next<{ tick: number; queues: Row[] }>(1);
      expect(a.queues[0]).toMatchObject({ name: 'loonflow', ready: 50, ready_delta: null, enqueued: null });
      await redis.client.lpush('loonflow', envelope({ id: 'l-new' }));
      let k = 2;
      let b = await cli.next<{ tick: number; queues: Row[] }>(k);
      while (b.queues[0].ready !== 51) b = await cli.next<{ tick: number; queues: Row[] }>(++k);
      expect(b.queues[0]).toMatchObject({ ready_delta: 1, enqueued: 1, dequeued: 0, exact: true });
      expect(b.queues[0]).toHaveProperty('enqueue_rate_per_second');
      expect(b.queues[0]).toHaveProperty('oldest_age_seconds');
    } finally {
      await cli.stop();
    }
  });
});
