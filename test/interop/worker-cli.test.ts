// The worker and task commands end to end: the built CLI against real Celery 5.2 workers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisNow } from '../../src/celery/read.js';
import { waitFor } from '../helpers/celery.js';
import { runCli } from '../helpers/cli.js';
import { publishSpec, ranIds, startControlWorker, type ControlWorker } from '../helpers/control.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-worker-cli-'));
const workers: ControlWorker[] = [];
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli([...args, '--broker-url', redis.url]);
const json = async (...args: string[]) => {
  const r = await cli(...args, '--json');
  return { ...r, data: r.stdout ? JSON.parse(r.stdout) : undefined };
};
const start = (name: string, log: string) => {
  const w = startControlWorker({ brokerUrl: redis.url, name, log, prefetch: 4, concurrency: 1 });
  workers.push(w);
  return w;
};
const hostnames = async () =>
  ((await json('worker', 'ls')).data as { hostname: string }[]).map((w) => w.hostname).sort();

describe('worker and task commands against real workers', () => {
  it('no worker: ls prints nothing and exits 0; --json is []', async () => {
    await redis.flush();
    expect(await cli('worker', 'ls', '-o', 'plain')).toMatchObject({ code: 0, stdout: '' });
    expect((await json('worker', 'ls')).data).toEqual([]);
  });

  it('a worker SIGKILLed: ls lists the survivor, requeue --unacked restores exactly its tasks, each runs once', async () => {
    await redis.flush();
    const log = join(dir, 'tasks.log');
    const hold = join(dir, 'hold');
    writeFileSync(hold, '');
    const w1 = start('w1@cli', log);
    await waitFor(async () => (await hostnames()).includes('w1@cli'), 30_000, 'w1 to answer');
    const held = publishSpec(
      redis.url,
      [1, 2, 3, 4].map((i) => ({ args: [i], kwargs: { hold } })),
    ).map((p) => p.id);
    await waitFor(async () => (await redis.client.hlen('unacked')) === 4, 30_000, 'w1 to hold four tasks');
    start('w2@cli', log);
    await waitFor(async () => (await hostnames()).length === 2, 30_000, 'w2 to answer');

    const active = await json('worker', 'inspect', 'w1@cli', 'active');
    expect(active.data).toHaveLength(1);
    expect(active.data[0]).toMatchObject({ worker: 'w1@cli', name: 'tasks.flow_hook_task' });
    expect(active.data[0].running_seconds).toBeGreaterThanOrEqual(0);

    await w1.kill();
    expect(await hostnames()).toEqual(['w2@cli']);
    const newest = Math.max(
      ...(await redis.client.zrange('unacked_index', 0, -1, 'WITHSCORES')).filter((_, i) => i % 2).map(Number),
    );
    await waitFor(
      async () => (await redisNow(redis.client)) > newest + 5.2,
      15_000,
      'the entries to age past the grace',
    );
    const dry = await json('queue', 'requeue', '--unacked', '--queue', 'loonflow', '--dry-run');
    expect(dry.data).toMatchObject({ rule: 'census', matched: 4, restored: 0, workers: ['w2@cli'] });
    expect(await redis.client.hlen('unacked')).toBe(4);
    const r = await json('queue', 'requeue', '--unacked', '--queue', 'loonflow');
    expect(r.code).toBe(0);
    expect(r.data).toMatchObject({ rule: 'census', restored: 4 });
    expect(r.data.items.map((i: { id: string }) => i.id).sort()).toEqual([...held].sort());
    rmSync(hold);
    await waitFor(async () => held.every((id) => ranIds(log).includes(id)), 60_000, 'w2 to run the restored tasks');
    const ran = ranIds(log).filter((id) => held.includes(id));
    expect(ran.sort()).toEqual([...held].sort());
  });

  it('shell completion offers the live workers', async () => {
    // Outcome only (the 250 ms budget is benched): a loaded machine must not turn names into nothing.
    const r = await runCli(['__complete', 'workers', '', '--broker-url', redis.url], {
      env: { LOONCTL_COMPLETE_BUDGET_MS: '5000' },
    });
    expect(r.stderr).toBe('');
    expect(
      r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]),
    ).toEqual(['w2@cli']);
    expect(await redis.client.keys('*loonctl-*')).toEqual([]); // its reply list is gone
  });

  it('pause stops consumption while producers push; resume starts it again', async () => {
    const paused = await json('worker', 'pause', 'loonflow');
    expect(paused.code).toBe(0);
    expect(paused.data.acks.map((a: { hostname: string }) => a.hostname)).toEqual(['w2@cli']);
    const queued = publishSpec(redis.url, [{ args: [21] }, { args: [22] }]).map((p) => p.id);
    // Nothing consumes: both stay ready while the worker answers census after census.
    for (let i = 0; i < 3; i++) {
      expect((await hostnames()).length).toBe(1);
      expect(await redis.client.llen('loonflow')).toBe(2);
    }
    expect((await json('worker', 'resume', 'loonflow')).code).toBe(0);
    await waitFor(async () => (await redis.client.llen('loonflow')) === 0, 30_000, 'the queue to drain after resume');
    expect(queued).toHaveLength(2);
  });

  it('task revoke removes a queued task with a backup line and says what it did', async () => {
    expect((await json('worker', 'pause', 'loonflow')).code).toBe(0);
    const [victim, keep] = publishSpec(redis.url, [{ args: [31] }, { args: [32] }]).map((p) => p.id);
    const backup = join(dir, 'revoked.jsonl');
    const r = await json('task', 'revoke', victim!, '--backup', backup, '--yes');
    expect(r.code).toBe(0);
    expect(r.data).toMatchObject({
      acknowledged_by: ['w2@cli'],
      removed_from_queues: [{ queue: 'loonflow', removed: 1 }],
    });
    expect(r.stderr).toMatch(/worker memory only/);
    const left = await redis.client.lrange('loonflow', 0, -1);
    expect(left.join('')).toContain(keep);
    expect(left.join('')).not.toContain(victim);
    expect((await json('worker', 'resume', 'loonflow')).code).toBe(0);
  });
});
