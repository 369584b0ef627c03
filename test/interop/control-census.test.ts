import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { census } from '../../src/celery/control/census.js';
import { readUnackedRefs, unackedHolding } from '../../src/celery/control/orphans.js';
import { restoreOrphans } from '../../src/celery/control/restore-orphans.js';
import { redisNow } from '../../src/celery/read.js';
import { makeTransport } from '../../src/celery/transport.js';
import { waitFor } from '../helpers/celery.js';
import { mailboxFor, publishSpec, ranIds, startControlWorker, type ControlWorker } from '../helpers/control.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-census-'));
const workers: ControlWorker[] = [];
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});

const t = makeTransport();
const take = (o: { idleTimeoutMs?: number } = {}) =>
  census(redis.client, mailboxFor(redis.client), { idleTimeoutMs: o.idleTimeoutMs ?? 1000 });
const start = (name: string, log: string) => {
  const w = startControlWorker({ brokerUrl: redis.url, name, log, prefetch: 4, concurrency: 1 });
  workers.push(w);
  return w;
};
const live = async (...names: string[]) => {
  await waitFor(
    async () => {
      const hosts = (await take({ idleTimeoutMs: 300 })).workers.map((w) => w.hostname);
      return names.every((n) => hosts.includes(n));
    },
    30_000,
    `${names.join(', ')} to answer`,
  );
};

describe('census and orphans with real Celery 5.2 workers', () => {
  it('no worker: an empty census, not trusted, and restore falls back on the visibility timeout', async () => {
    await redis.flush();
    const c = await take();
    expect(c.workers).toEqual([]);
    expect(c.receivers).toBe(0);
    expect(c.trusted).toBe(false);
    expect(c.distrust[0]).toMatch(/no worker answered/);
    const now = await redisNow(redis.client);
    const old = envelope({ id: 'old-1' });
    const young = envelope({ id: 'young-1' });
    await redis.client.hset('unacked', 'tag-old', unackedValue(old), 'tag-young', unackedValue(young));
    await redis.client.zadd('unacked_index', now - 4000, 'tag-old', now - 100, 'tag-young');
    const r = await restoreOrphans(redis.client, t, { census: c, filter: null, dryRun: false });
    expect(r.classification.rule).toBe('visibility-timeout');
    expect(r.classification.counts).toEqual({ held: 0, orphan: 1, unknown: 1 });
    expect(r.restore.items.map((i) => i.id)).toEqual(['old-1']);
    expect(await redis.client.hkeys('unacked')).toEqual(['tag-young']);
    expect(await redis.client.llen('loonflow')).toBe(1);
  });

  it('one of two workers SIGKILLed: census lists the survivor, only its orphans restored, all run once', async () => {
    await redis.flush();
    const log = join(dir, 'tasks.log');
    const hold = join(dir, 'hold');
    writeFileSync(hold, '');
    const w1 = start('w1@census', log);
    await live('w1@census');
    // w1 alone takes the held tasks: one running in its pool child, three prefetched.
    const held = publishSpec(
      redis.url,
      [1, 2, 3, 4].map((i) => ({ args: [i], kwargs: { hold } })),
    ).map((p) => p.id);
    await waitFor(
      async () => {
        const w = (await take()).workers.find((x) => x.hostname === 'w1@census');
        return !!w && w.counts.active === 1 && w.counts.reserved === 3;
      },
      30_000,
      'w1 to hold four tasks',
    );
    start('w2@census', log);
    await live('w1@census', 'w2@census');
    const quick = publishSpec(
      redis.url,
      [5, 6, 7, 8, 9, 10].map((i) => ({ args: [i] })),
    ).map((p) => p.id);
    const [later] = publishSpec(redis.url, [{ args: [11], countdown: 10 }]).map((p) => p.id);
    await waitFor(
      async () => {
        const w2 = (await take()).workers.find((x) => x.hostname === 'w2@census');
        return !!w2 && w2.scheduled.some((s) => s.id === later);
      },
      30_000,
      'w2 to schedule the countdown task',
    );

    const both = await take();
    expect(both.trusted).toBe(true);
    const c1 = both.workers.find((w) => w.hostname === 'w1@census')!;
    expect(c1).toMatchObject({
      concurrency: 1,
      prefetchCount: 4,
      queues: ['loonflow'],
      version: expect.stringMatching(/^5\.2/),
    });
    expect(c1.pid).toBeGreaterThan(0);
    expect(c1.active[0]!.timeStart).not.toBeNull();
    expect(c1.active[0]!.runningS).toBeGreaterThanOrEqual(0);
    const w1Tags = new Set(
      (await readUnackedRefs(redis.client, t)).filter((e) => held.includes(e.id!)).map((e) => e.tag),
    );
    expect(w1Tags.size).toBe(4);

    await w1.kill();
    const after = await take();
    expect(after.workers.map((w) => w.hostname)).toEqual(['w2@census']);
    expect(after.silent).toEqual(['w1@census']);
    expect(after.trusted).toBe(true);

    // Entries delivered less than 5 s before a census are never orphans: wait until w1's are older.
    const newest = Math.max(
      ...(await readUnackedRefs(redis.client, t)).filter((e) => w1Tags.has(e.tag)).map((e) => e.since!),
    );
    await waitFor(
      async () => (await redisNow(redis.client)) > newest + 5.2,
      15_000,
      "w1's entries to age past the grace",
    );
    const seen = await unackedHolding(redis.client, t, mailboxFor(redis.client));
    expect(
      seen.classification.entries
        .filter((e) => e.status === 'orphan')
        .map((e) => e.tag)
        .sort(),
    ).toEqual([...w1Tags].sort());
    const c = await take();
    const r = await restoreOrphans(redis.client, t, { census: c, queue: 'loonflow', filter: null, dryRun: false });
    expect(r.classification.rule).toBe('census');
    expect(new Set(r.restore.items.map((i) => i.tag))).toEqual(w1Tags);
    expect(r.restore.restored).toBe(4);
    expect(r.classification.entries.find((e) => e.id === later)?.status).toBe('held');

    rmSync(hold);
    start('w3@census', log);
    const all = [...held, ...quick, later!];
    await waitFor(() => all.every((id) => ranIds(log).includes(id)), 60_000, 'every task to run');
    await waitFor(
      async () => (await redis.client.hlen('unacked')) === 0 && (await redis.client.llen('loonflow')) === 0,
      30_000,
      'the broker to be empty',
    );
    const ran = ranIds(log);
    expect([...ran].sort()).toEqual([...all].sort());
  }, 120_000);
});
