// Issue 13: doctor's census and ETA checks against real Celery 5.2 workers and a real producer.
// - a queue with ready messages and no consumer: unknown when no worker answers (nothing proves there is
//   none), fail when live workers answer and none consumes it, ok when one does;
// - ETA messages that wait longer than the visibility timeout (kombu restores them, Celery runs them twice).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { killWorker, publish, startWorker, waitFor } from '../helpers/celery.js';
import { runCli } from '../helpers/cli.js';
import { publishSpec, startControlWorker, type ControlWorker } from '../helpers/control.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

interface Check {
  name: string;
  status: string;
  detail: string;
  data?: Record<string, unknown>;
}

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-doctor-w-'));
const SKIP = 'database,maxmemory-policy,serial-primed';
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await redis.flush();
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function doctor(args: string[]) {
  const r = await runCli(['doctor', '--json', '--redis-url', redis.url, '--skip', SKIP, ...args]);
  const report = JSON.parse(r.stdout) as { ok: boolean; checks: Check[] };
  const by = Object.fromEntries(report.checks.map((c) => [c.name, c])) as Record<string, Check>;
  return { code: r.code, stderr: r.stderr, by };
}

async function workerAnswers(): Promise<void> {
  await waitFor(
    async () => {
      const r = await runCli(['worker', 'ls', '--json', '--redis-url', redis.url]);
      return r.code === 0 && (JSON.parse(r.stdout) as unknown[]).length > 0;
    },
    30_000,
    'the worker to answer a ping',
  );
}

describe('queue consumers', () => {
  it('no worker answers: unknown (not ok), naming the queue; it does not fail doctor', async () => {
    publish(redis.url, 'many', '3');
    const r = await doctor([]);
    expect(r.by['queue consumers'].status).toBe('unknown');
    expect(r.by['queue consumers'].detail).toMatch(
      /^cannot tell whether anything consumes loonflow \(3 ready\): no worker answered/,
    );
    expect(r.by['long-running tasks'].status).toBe('unknown');
    expect(r.code, r.stderr).toBe(0);
  });

  it('live workers answer and none consumes the queue: fail (exit 1)', async () => {
    publish(redis.url, 'many', '3');
    const w = startWorker({ brokerUrl: redis.url, queues: 'other' });
    stops.push(() => killWorker(w, 'SIGTERM'));
    await workerAnswers();
    const r = await doctor([]);
    expect(r.by['queue consumers']).toMatchObject({ status: 'fail' });
    expect(r.by['queue consumers'].detail).toMatch(/^loonflow \(3 ready\): no live worker consumes it \(1 live worker/);
    expect(r.code).toBe(1);
  });

  it('a live worker consumes the queue while messages wait: ok', async () => {
    const hold = join(dir, 'hold');
    writeFileSync(hold, '');
    const w: ControlWorker = startControlWorker({
      brokerUrl: redis.url,
      name: 'doc1@test',
      log: join(dir, 'ran.log'),
      prefetch: 1,
    });
    stops.push(async () => {
      rmSync(hold, { force: true });
      await w.stop();
    });
    await workerAnswers();
    publishSpec(
      redis.url,
      Array.from({ length: 4 }, (_, i) => ({ args: [i], kwargs: { hold } })),
    );
    await waitFor(async () => (await redis.client.hlen('unacked')) >= 1, 20_000, 'the worker to take a task');
    const r = await doctor([]);
    expect(r.by['celery backlog'].data).toMatchObject({ ready: expect.any(Number) });
    expect((r.by['celery backlog'].data as { ready: number }).ready).toBeGreaterThan(0);
    expect(r.by['queue consumers']).toMatchObject({ status: 'ok' });
    expect(r.by['queue consumers'].detail).toMatch(/every queue with ready messages has a consumer \(1 live worker/);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('eta delay', () => {
  it('a ready ETA message due after the visibility timeout fails; a longer --visibility-timeout passes', async () => {
    const [late] = publishSpec(redis.url, [
      { args: [1], countdown: 7200 },
      { args: [2], countdown: 60 },
    ]);
    const r = await doctor(['--skip', 'queue-consumers,long-running-tasks']);
    expect(r.by['eta delay'].status).toBe('fail');
    expect(r.by['eta delay'].detail).toMatch(/^1 ETA message\(s\) wait longer than the 1h visibility timeout/);
    expect(r.by['eta delay'].data).toMatchObject({
      visibility_timeout_seconds: 3600,
      eta_messages: 2,
      late: 1,
      messages: [{ id: late.id, where: 'ready', queue: 'loonflow', task: 'tasks.flow_hook_task' }],
    });
    expect(r.code).toBe(1);
    const longer = await doctor(['--skip', 'queue-consumers,long-running-tasks', '--visibility-timeout', '3h']);
    expect(longer.by['eta delay'].status).toBe('ok');
    expect(longer.code).toBe(0);
  });

  it('an ETA task a live worker holds in unacked past the visibility timeout fails; a short one passes', async () => {
    const w = startWorker({ brokerUrl: redis.url, queues: 'loonflow' });
    stops.push(() => killWorker(w, 'SIGTERM'));
    const [soon] = publishSpec(redis.url, [{ args: [1], countdown: 600 }]);
    await waitFor(async () => (await redis.client.hlen('unacked')) === 1, 20_000, 'the worker to take the ETA task');
    const ok = await doctor(['--skip', 'queue-consumers,long-running-tasks']);
    expect(ok.by['eta delay']).toMatchObject({ status: 'ok', data: { eta_messages: 1, late: 0 } });
    const [late] = publishSpec(redis.url, [{ args: [2], countdown: 7200 }]);
    await waitFor(async () => (await redis.client.hlen('unacked')) === 2, 20_000, 'the worker to take the second');
    const r = await doctor(['--skip', 'queue-consumers,long-running-tasks']);
    expect(r.by['eta delay'].status).toBe('fail');
    expect(r.by['eta delay'].data).toMatchObject({ late: 1, messages: [{ id: late.id, where: 'unacked' }] });
    expect(soon.id).not.toBe(late.id);
    expect(r.code).toBe(1);
  });
});
