// Issue 13: doctor's flow checks for cron. The state of earlier runs lives in a TTL'd Redis hash in the broker
// (src/monitor/flow.ts); here two earlier observations are made directly, at times in the past, and
// doctor's own run is the third. Not draining: a backlog and no dequeue for --not-draining-after (10m).
// Oldest ready: the first time the current tail was seen, a lower bound, against --max-oldest.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTransport } from '../../src/celery/transport.js';
import { doctorFlowKey } from '../../src/doctor/broker-checks.js';
import { observeFlow, redisFlowStore } from '../../src/monitor/flow.js';
import { runCli } from '../helpers/cli.js';
import { envelope } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

interface Check {
  name: string;
  status: string;
  detail: string;
  data?: Record<string, unknown>;
}

let redis: TestRedis;
const t = makeTransport({});
const SKIP = 'database,maxmemory-policy,serial-primed,queue-consumers,long-running-tasks,eta-delay';
const MIN = 60_000;

beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});
beforeEach(async () => {
  await redis.flush();
  const items = Array.from({ length: 6 }, (_, i) => envelope({ id: `m-${i}`, queue: 'loonflow' }));
  await redis.client.lpush('loonflow', ...items);
});

async function redisNowMs(): Promise<number> {
  const [s, us] = await redis.client.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

/** An earlier doctor run's observation, `agoMs` before Redis's clock. */
async function observedAgo(agoMs: number): Promise<void> {
  const store = redisFlowStore(redis.client, doctorFlowKey(t));
  await observeFlow(redis.client, t, ['loonflow'], store, (await redisNowMs()) - agoMs);
}

async function doctor(args: string[]) {
  const r = await runCli(['doctor', '--json', '--redis-url', redis.url, '--skip', SKIP, ...args]);
  const report = JSON.parse(r.stdout) as { ok: boolean; checks: Check[] };
  const by = Object.fromEntries(report.checks.map((c) => [c.name, c])) as Record<string, Check>;
  return { code: r.code, stderr: r.stderr, by };
}

describe('not draining and oldest ready', () => {
  it('first run: unknown for both (nothing to compare with), exit 0; the state is kept with a TTL', async () => {
    const r = await doctor([]);
    expect(r.by['not draining']).toMatchObject({
      status: 'unknown',
      detail: expect.stringMatching(/first observation/),
    });
    expect(r.by['oldest ready']).toMatchObject({ status: 'unknown' });
    expect(r.code, r.stderr).toBe(0);
    const ttl = await redis.client.ttl(doctorFlowKey(t));
    expect(ttl).toBeGreaterThan(0);
  });

  it('a backlog nothing consumed from for 20 minutes: not draining fails (exit 1), and -q shows it', async () => {
    await observedAgo(20 * MIN);
    await observedAgo(15 * MIN);
    const r = await doctor([]);
    expect(r.by['not draining'].status).toBe('fail');
    expect(r.by['not draining'].detail).toMatch(/^loonflow \(6 ready, none consumed for 20m\d*s?\): not draining$/);
    expect(r.by['not draining'].data).toMatchObject({ after_seconds: 600, queues: [{ queue: 'loonflow', ready: 6 }] });
    expect(r.code).toBe(1);
    const q = await runCli(['doctor', '-q', '-o', 'plain', '--redis-url', redis.url, '--skip', SKIP]);
    expect(q.code).toBe(1);
    expect(
      q.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
    ).toEqual(['not draining']);
  });

  it('--not-draining-after longer than the stall passes; so does a queue consumed from 2 minutes ago', async () => {
    await observedAgo(20 * MIN);
    await observedAgo(15 * MIN);
    const longer = await doctor(['--not-draining-after', '30m']);
    expect(longer.by['not draining'].status).toBe('ok');
    expect(longer.code).toBe(0);

    await redis.flush();
    const items = Array.from({ length: 6 }, (_, i) => envelope({ id: `n-${i}`, queue: 'loonflow' }));
    await redis.client.lpush('loonflow', ...items);
    await observedAgo(20 * MIN);
    await redis.client.rpop('loonflow'); // what a worker's BRPOP does
    await observedAgo(2 * MIN);
    const draining = await doctor([]);
    expect(draining.by['not draining']).toMatchObject({ status: 'ok' });
    expect(draining.code).toBe(0);
  });

  it('--max-oldest and a per-queue override against the inferred age (a lower bound)', async () => {
    await observedAgo(20 * MIN);
    await observedAgo(15 * MIN);
    const old = await doctor(['--not-draining-after', '1h', '--max-oldest', '15m']);
    expect(old.by['oldest ready'].status).toBe('fail');
    expect(old.by['oldest ready'].detail).toMatch(
      /^oldest ready message waited loonflow >= 20m\d*s? \(max 15m\) \(a lower bound\)$/,
    );
    expect(old.by['oldest ready'].data).toMatchObject({
      exact: false,
      queues: [{ queue: 'loonflow', limit_seconds: 900 }],
    });
    expect(old.code).toBe(1);
    const override = await doctor([
      '--not-draining-after',
      '1h',
      '--max-oldest',
      '15m',
      '--queue-max-oldest',
      'loonflow=1h',
    ]);
    expect(override.by['oldest ready'].status).toBe('ok');
    expect(override.code).toBe(0);
  });
});
