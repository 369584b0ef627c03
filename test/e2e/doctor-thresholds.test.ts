// Issue 13: doctor for cron. Thresholds and --skip from flags and from a config-file profile, per-queue
// overrides, every deployment option from the profile, exit codes and -q. Real Redis; no worker here (the
// census checks are skipped: doctor-workers.test.ts has them with real Celery workers).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

interface Check {
  name: string;
  status: string;
  detail: string;
  data?: Record<string, unknown>;
}

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-doctor-th-'));
/** Everything but the broker checks under test, so the verdict is theirs alone. */
const QUIET_SKIP = 'database,queue-consumers,long-running-tasks,maxmemory-policy,serial-primed';

beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

async function fill(queue: string, n: number, prefix = ''): Promise<void> {
  const items = Array.from({ length: n }, (_, i) => envelope({ id: `${queue}-${i}`, queue }));
  await redis.client.lpush(prefix + queue, ...items);
}

/** One unacked entry of `queue`, taken `ageS` seconds ago by a worker that is gone. */
async function unacked(queue: string, ageS: number): Promise<void> {
  const [now] = await redis.client.time();
  const tag = `tag-${queue}-${ageS}`;
  await redis.client.hset('unacked', tag, unackedValue(envelope({ id: `u-${queue}`, queue }), queue));
  await redis.client.zadd('unacked_index', Number(now) - ageS, tag);
}

async function doctor(args: string[], env: Record<string, string> = {}) {
  const r = await runCli(['doctor', '--redis-url', redis.url, ...args], { env });
  return r;
}

async function doctorJson(args: string[], env: Record<string, string> = {}) {
  const r = await doctor(['--json', ...args], env);
  const report = JSON.parse(r.stdout) as { ok: boolean; checks: Check[] };
  const by = Object.fromEntries(report.checks.map((c) => [c.name, c])) as Record<string, Check>;
  return { code: r.code, stderr: r.stderr, report, by };
}

function profileFile(profile: Record<string, unknown>): string {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ profiles: { cron: profile } }));
  return path;
}

beforeEach(async () => {
  await redis.flush();
  await fill('loonflow', 5);
  await fill('reports', 20);
});

describe('--max-ready and --queue-max-ready', () => {
  it('no threshold: ok, naming the largest queue and that no limit is set; exit 0', async () => {
    const r = await doctorJson(['--skip', QUIET_SKIP]);
    expect(r.by['queue ready']).toMatchObject({
      status: 'ok',
      detail: 'highest reports 20 ready (no --max-ready set)',
    });
    expect(r.code, r.stderr).toBe(0);
  });

  it('a queue over --max-ready fails doctor (exit 1); under it passes', async () => {
    const over = await doctorJson(['--skip', QUIET_SKIP, '--max-ready', '10']);
    expect(over.by['queue ready'].status).toBe('fail');
    expect(over.by['queue ready'].detail).toBe('over the limit: reports 20 ready (max 10 ready)');
    expect(over.by['queue ready'].data).toEqual({
      queues: [
        { queue: 'loonflow', ready: 5, max_ready: 10 },
        { queue: 'reports', ready: 20, max_ready: 10 },
      ],
    });
    expect(over.code).toBe(1);
    expect(over.report.ok).toBe(false);
    const under = await doctorJson(['--skip', QUIET_SKIP, '--max-ready', '20']);
    expect(under.by['queue ready'].status).toBe('ok');
    expect(under.code).toBe(0);
  });

  it('a per-queue override wins over --max-ready, both ways; off turns it off for that queue', async () => {
    const raised = await doctorJson(['--skip', QUIET_SKIP, '--max-ready', '10', '--queue-max-ready', 'reports=50']);
    expect(raised.by['queue ready'].status).toBe('ok');
    expect(raised.code).toBe(0);
    const lowered = await doctorJson(['--skip', QUIET_SKIP, '--max-ready', '100', '--queue-max-ready', 'loonflow=3']);
    expect(lowered.by['queue ready'].detail).toBe('over the limit: loonflow 5 ready (max 3 ready)');
    expect(lowered.code).toBe(1);
    const off = await doctorJson([
      '--skip',
      QUIET_SKIP,
      '--max-ready',
      '10',
      '--queue-max-ready',
      'reports=off',
      '--queue-max-ready',
      'loonflow=9',
    ]);
    expect(off.by['queue ready'].status).toBe('ok');
    expect(off.by['queue ready'].data).toMatchObject({ queues: [{ max_ready: 9 }, { max_ready: null }] });
  });

  it('a malformed override is a usage error (exit 2, one line)', async () => {
    for (const bad of ['reports', 'reports=many', '=5']) {
      const r = await doctor(['--queue-max-ready', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('--max-unacked-age', () => {
  it('fails a queue whose oldest unacked entry is older; a per-queue override lets it pass', async () => {
    await unacked('reports', 7200);
    const over = await doctorJson(['--skip', QUIET_SKIP, '--max-unacked-age', '1h']);
    expect(over.by['unacked age']).toMatchObject({ status: 'fail' });
    expect(over.by['unacked age'].detail).toMatch(/^over the limit: reports unacked for 2h/);
    expect(over.code).toBe(1);
    const allowed = await doctorJson([
      '--skip',
      QUIET_SKIP,
      '--max-unacked-age',
      '1h',
      '--queue-max-unacked-age',
      'reports=3h',
    ]);
    expect(allowed.by['unacked age'].status).toBe('ok');
    // Older than the visibility timeout is still an orphan warning, which never fails doctor.
    expect(allowed.by['celery backlog'].status).toBe('warn');
    expect(allowed.code).toBe(0);
  });
});

describe('--skip', () => {
  it('a skipped check is reported as skip and cannot fail doctor; a comma list and repeats both work', async () => {
    const r = await doctorJson(['--skip', QUIET_SKIP, '--skip', 'queue-ready,eta-delay', '--max-ready', '1']);
    expect(r.by['queue ready']).toMatchObject({ status: 'skip', detail: 'skipped (--skip)' });
    expect(r.by['eta delay']).toMatchObject({ status: 'skip', detail: 'skipped (--skip)' });
    expect(r.by['queue consumers']).toMatchObject({ status: 'skip' });
    expect(r.code).toBe(0);
  });

  it('skipping a service skips what needs it, saying why, and never connects to it', async () => {
    const r = await doctorJson(['--skip', QUIET_SKIP, '--database-url', 'postgres://127.0.0.1:1/none']);
    expect(r.by.database).toMatchObject({ status: 'skip', detail: 'skipped (--skip)' });
    expect(r.by['ticket table']).toMatchObject({ status: 'skip', detail: 'database not checked (--skip database)' });
    expect(r.code).toBe(0);
  });

  it('an unknown check name is a usage error listing the valid names', async () => {
    const r = await doctor(['--skip', 'queue-ready,nonsense']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/'nonsense' is not one of redis, redis-version.*queue-ready.*not-draining.*eta-delay/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('from a config-file profile', () => {
  it('thresholds, overrides and --skip come from the profile; a flag beats the profile', async () => {
    const config = profileFile({
      maxReady: 10,
      queueMaxReady: ['loonflow=2'],
      skip: QUIET_SKIP.split(','),
    });
    const r = await doctorJson(['--config', config, '--profile', 'cron']);
    expect(r.by['queue ready'].detail).toBe(
      'over the limit: loonflow 5 ready (max 2 ready), reports 20 ready (max 10 ready)',
    );
    expect(r.by.database.status).toBe('skip');
    expect(r.code).toBe(1);
    const flag = await doctorJson([
      '--config',
      config,
      '--profile',
      'cron',
      '--max-ready',
      '30',
      '--queue-max-ready',
      'loonflow=5',
    ]);
    expect(flag.by['queue ready'].status).toBe('ok');
    expect(flag.code).toBe(0);
  });

  it('a skip list in the profile (comma string) skips; an unknown name there is a usage error too', async () => {
    const ok = profileFile({ maxReady: 1, skip: `${QUIET_SKIP},queue-ready` });
    const r = await doctorJson(['--config', ok, '--profile', 'cron']);
    expect(r.by['queue ready'].status).toBe('skip');
    expect(r.code).toBe(0);
    const bad = profileFile({ skip: ['queue-redy'] });
    const b = await doctor(['--config', bad, '--profile', 'cron']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/'queue-redy' is not one of/);
  });

  it('deployment options from the profile: key prefix, visibility timeout, unacked-age limit', async () => {
    await redis.flush();
    await fill('loonflow', 3, 'pfx:');
    const config = profileFile({
      keyPrefix: 'pfx:',
      visibilityTimeout: '2h',
      maxUnackedAge: '4h',
      maxReady: 2,
      skip: QUIET_SKIP.split(','),
    });
    const r = await doctorJson(['--config', config, '--profile', 'cron']);
    expect(r.by['queue ready'].detail).toBe('over the limit: loonflow 3 ready (max 2 ready)');
    expect(r.by['eta delay'].detail).toMatch(/2h visibility timeout/);
    expect(r.by['unacked age'].data).toMatchObject({ queues: [{ queue: 'loonflow', max_seconds: 14400 }] });
  });
});

describe('exit codes and -q', () => {
  it('-q prints only the failing checks, with the same exit code; nothing when all pass', async () => {
    const failing = await doctor(['-o', 'plain', '-q', '--skip', QUIET_SKIP, '--max-ready', '10']);
    expect(failing.code).toBe(1);
    const lines = failing.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^queue ready\tfail\tover the limit: reports 20 ready/);
    const passing = await doctor(['-o', 'plain', '-q', '--skip', QUIET_SKIP]);
    expect(passing).toMatchObject({ code: 0, stdout: '' });
    const loud = await doctor(['-o', 'plain', '--skip', QUIET_SKIP]);
    expect(loud.stdout.split('\n').length).toBeGreaterThan(10);
  });
});

describe("tomorrow's serial counter (LoonFlow lines with serials)", () => {
  const base = ['--skip', 'database,queue-consumers,long-running-tasks,maxmemory-policy', '--prime-by', '00:00'];

  it('2.x: unprimed after --prime-by warns naming the key; primed is ok; 3.x has no such check', async () => {
    const { addDays, dateIn } = await import('../../src/core/parse.js');
    const tomorrow = addDays(dateIn('Asia/Shanghai'), 1);
    const key = `ticket_day_count_${tomorrow}`;
    const unprimed = await doctorJson([...base, '--loonflow-version', '2']);
    expect(unprimed.by['serial primed']).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining(`${key} absent`),
    });
    await redis.client.set(key, '0');
    const primed = await doctorJson([...base, '--loonflow-version', '2']);
    expect(primed.by['serial primed']).toMatchObject({ status: 'ok', detail: `${key} = 0, no expiry` });
    const v3 = await doctorJson([...base, '--loonflow-version', '3']);
    expect(v3.by['serial primed']).toBeUndefined();
    const skipped = await doctorJson([...base, '--loonflow-version', '2', '--skip', 'serial-primed']);
    expect(skipped.by['serial primed']).toMatchObject({ status: 'skip' });
  });
});
