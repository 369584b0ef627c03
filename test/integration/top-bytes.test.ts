// `loonctl top` reads only what the screen shows: on a private redis-server (so INFO counts only our
// traffic), the bytes one refresh transfers (INFO total_net_output_bytes) stay the same whether the
// queue holds 2,000 or 20,000 messages, and are a small fraction of the backlog. The 1M variant is in
// test/bench/top.bench.mjs.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { census } from '../../src/celery/control/census.js';
import { makeMailbox } from '../../src/celery/control/names.js';
import { makeTransport } from '../../src/celery/transport.js';
import { Collector } from '../../src/top/collect.js';
import { flowSource } from '../../src/top/flow-source.js';
import type { ViewRequest } from '../../src/top/types.js';
import { envelope } from '../helpers/kombu.js';
import { startPrivateRedis } from '../helpers/processes.js';

let server: { port: number; stop: () => void };
let redis: Redis;
const t = makeTransport();

beforeAll(async () => {
  server = await startPrivateRedis();
  redis = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
});
afterAll(() => {
  redis.disconnect();
  server.stop();
});

const outBytes = async () => Number(/total_net_output_bytes:(\d+)/.exec(await redis.info('stats'))![1]);

async function fill(n: number): Promise<number> {
  let bytes = 0;
  for (let i = 0; i < n; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, n - i) }, (_, k) =>
      envelope({ id: `id-${i + k}`, args: [i + k, 'x'.repeat(600)], kwargs: { note: '工单' } }),
    );
    for (const b of batch) bytes += b.length;
    await redis.lpush('loonflow', ...batch);
  }
  return bytes;
}

/** The smallest transfer of a few refreshes of each view (INFO's own reply is the only other traffic). */
async function bytesPerRefresh(views: ViewRequest[]): Promise<number> {
  const m = makeMailbox(t, 0);
  const c = new Collector({
    broker: redis,
    t,
    observe: flowSource(redis, t),
    census: () => census(redis, m, { idleTimeoutMs: 200 }),
  });
  await c.tick(views[0]); // the first refresh discovers queues
  let worst = 0;
  for (const v of views) {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const before = await outBytes();
      await c.tick(v);
      best = Math.min(best, (await outBytes()) - before);
    }
    worst = Math.max(worst, best);
  }
  return worst;
}

const view = (o: Partial<ViewRequest>): ViewRequest => ({
  tab: 'queues',
  queue: 'loonflow',
  offset: 0,
  limit: 24,
  filter: '',
  ...o,
});

describe('top refresh cost', () => {
  it('bounded bytes per refresh, the same for 2,000 and 20,000 messages', { timeout: 120_000 }, async () => {
    const views = [view({}), view({ tab: 'messages' }), view({ tab: 'messages', offset: 1500 })];
    const small = await fill(2000);
    const atSmall = await bytesPerRefresh(views);
    const big = small + (await fill(18_000));
    const atBig = await bytesPerRefresh([...views, view({ tab: 'messages', offset: 19_000 })]);
    // 24 visible messages of ~1 KB and the INFO reply: well under 64 KB, and about 1/1000 of the backlog.
    expect(atBig).toBeLessThan(64 * 1024);
    expect(atBig).toBeLessThan(big / 200);
    expect(atBig).toBeLessThan(atSmall * 1.25 + 2048);
  });
});
