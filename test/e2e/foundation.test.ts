import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BIN, cliEnv, runCli, spawnCli } from '../helpers/cli.js';
import { createMysqlDatabase, createPgDatabase } from '../helpers/db.js';
import { createTicketTable, FIXTURE_TZ } from '../helpers/tickets.js';
import { dateIn } from '../../src/core/parse.js';
import { silentServer, startPasswordRedis } from '../helpers/processes.js';
import { loadedPackages } from '../helpers/loaded-packages.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'loonctl-e2e-'));
const today = dateIn(FIXTURE_TZ);
let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

describe('usage errors exit 2 with one line', () => {
  it('unknown option', async () => {
    const r = await runCli(['config', 'show', '--colour']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^loonctl: unknown option '--colour'/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });
  it('unknown command', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });
  it('output format typo', async () => {
    const r = await runCli(['config', 'show', '-o', 'tabel']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'tabel' is invalid.*table, wide, json, jsonl, plain/);
  });
  it('unknown profile', async () => {
    const cfg = join(dir, 'profiles.json');
    writeFileSync(cfg, JSON.stringify({ profiles: { prod: {} } }));
    const r = await runCli(['config', 'show', '--config', cfg, '--profile', 'staging']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^loonctl: unknown profile 'staging' \(profiles in .*: prod\)/);
  });
  it('invalid and unreadable config files', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "redisUrl": ');
    const r1 = await runCli(['config', 'show', '--config', bad]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/is not valid JSON/);
    const r2 = await runCli(['config', 'show'], { env: { LOONCTL_CONFIG: join(dir, 'nope.json') } });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/cannot read config file .*nope\.json: ENOENT/);
  });
  it('malformed URL', async () => {
    const r = await runCli(['doctor', '--redis-url', 'http://:hunter2@host']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/malformed Redis URL http:\/\/:\*\*\*\*@host/);
    expect(r.stderr).not.toContain('hunter2');
    const d = await runCli(['doctor', '--redis-url', redis.url, '--database-url', 'oracle://u:hunter2@db/x']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/malformed database URL oracle:\/\/u:\*\*\*\*@db\/x/);
  });
});

describe('config show', () => {
  it('prints each value with its source, passwords masked', async () => {
    const r = await runCli(['config', 'show', '--json', '--tz', 'UTC'], {
      env: {
        REDIS_HOST: 'lf-redis',
        REDIS_PASSWORD: 'hunter2',
        REDIS_DB: '5',
        LOONCTL_DATABASE_URL: 'postgres://lf:pgsecret@db/lf',
      },
    });
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c['redis-url']).toEqual({ value: 'redis://:****@lf-redis:6379/0', source: 'env REDIS_HOST,REDIS_PASSWORD' });
    expect(c['broker-url']).toEqual({
      value: 'redis://:****@lf-redis:6379/5',
      source: 'env REDIS_HOST,REDIS_PASSWORD,REDIS_DB',
    });
    expect(c['database-url']).toEqual({ value: 'postgres://lf:****@db/lf', source: 'env LOONCTL_DATABASE_URL' });
    expect(c.tz).toEqual({ value: 'UTC', source: 'flag' });
    expect(r.stdout + r.stderr).not.toMatch(/hunter2|pgsecret/);
  });
  it('prints plain tab-separated lines in a pipe', async () => {
    const r = await runCli(['config', 'show']);
    expect(r.stdout.split('\n')[0]).toBe('redis-url\tredis://127.0.0.1:6379/0\tdefault');
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });
});

describe('unreachable services and authentication', () => {
  it('doctor reports an unreachable Redis and database and exits 1, URLs masked', async () => {
    const r = await runCli([
      'doctor',
      '--json',
      '--redis-url',
      'redis://:hunter2@127.0.0.1:1/0',
      '--database-url',
      'postgres://u:pgsecret@127.0.0.1:1/x',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    const byName = Object.fromEntries(report.checks.map((c: { name: string }) => [c.name, c]));
    expect(byName.redis.status).toBe('fail');
    expect(byName.redis.detail).toMatch(/cannot reach redis redis:\/\/:\*\*\*\*@127\.0\.0\.1:1\/0/);
    expect(byName.database.status).toBe('fail');
    expect(r.stdout + r.stderr).not.toMatch(/hunter2|pgsecret/);
  });

  it('a command that needs an unreachable Redis exits 69 with the masked URL and a hint', async () => {
    const r = await runCli(['queue', 'list', '--broker-url', 'redis://:hunter2@127.0.0.1:1/0']);
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(
      /^loonctl: cannot reach broker redis:\/\/:\*\*\*\*@127\.0\.0\.1:1\/0: .*ECONNREFUSED.* \(is Redis running\?/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('a wrong Redis password on a command exits 69 with "authentication failed"', async () => {
    const server = await startPasswordRedis('right-password');
    try {
      const r = await runCli(['lock', 'list', '--redis-url', `redis://:wrong@127.0.0.1:${server.port}/0`]);
      expect(r.code).toBe(69);
      expect(r.stderr).toMatch(/authentication failed/);
    } finally {
      server.stop();
    }
  });

  it('a reader that goes away (| head -1) ends the command quietly', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(
      'sh',
      [
        '-c',
        `"${process.execPath}" "${BIN}" serial next --count 200000 --date 2030-01-01 --init-from 0 --redis-url ${redis.url} | head -1`,
      ],
      { encoding: 'utf8', env: cliEnv() },
    );
    expect(r.stdout).toBe('loonflow_203001010001\n');
    expect(r.stderr).toBe('');
    await redis.client.del('ticket_day_count_2030-01-01');
  });

  it('a wrong Redis password says "authentication failed"', async () => {
    const server = await startPasswordRedis('right-password');
    try {
      const r = await runCli([
        'doctor',
        '--json',
        '--redis-url',
        `redis://:wrong-password@127.0.0.1:${server.port}/0`,
        '--database-url',
        inject('pgUrl'),
      ]);
      expect(r.code).toBe(1);
      const redisCheck = JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'redis');
      expect(redisCheck.detail).toMatch(/authentication failed/);
      expect(r.stdout).not.toContain('wrong-password');
      const ok = await runCli([
        'doctor',
        '--json',
        '--redis-url',
        `redis://:right-password@127.0.0.1:${server.port}/0`,
        '--database-url',
        inject('pgUrl'),
      ]);
      expect(JSON.parse(ok.stdout).checks.find((c: { name: string }) => c.name === 'redis').status).toBe('ok');
    } finally {
      server.stop();
    }
  });

  it('a wrong MariaDB password says "authentication failed"', async () => {
    const r = await runCli([
      'doctor',
      '--json',
      '--redis-url',
      redis.url,
      '--database-url',
      'mysql://root:not-the-password@127.0.0.1:3306/mysql',
    ]);
    expect(r.code).toBe(1);
    const db = JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'database');
    expect(db.detail).toMatch(/authentication failed/);
  });

  it('a hung server times out within --timeout', async () => {
    const { port, server } = await silentServer();
    try {
      const t0 = Date.now();
      const r = await runCli([
        'doctor',
        '--json',
        '--timeout',
        '700ms',
        '--redis-url',
        `redis://127.0.0.1:${port}/0`,
        '--database-url',
        `postgres://u@127.0.0.1:${port}/x`,
      ]);
      // A hang bound only (the CLI runner would kill it at 20 s): --timeout 700ms, never the 30 s default wait.
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(r.code).toBe(1);
      const checks = JSON.parse(r.stdout).checks;
      expect(checks.find((c: { name: string }) => c.name === 'redis').detail).toMatch(/timed out/);
      expect(checks.find((c: { name: string }) => c.name === 'database').detail).toMatch(/timed out|timeout/i);
    } finally {
      server.close();
    }
  });
});

describe('interrupt', () => {
  it('Ctrl-C closes resources and exits 130 promptly', async () => {
    const { port, server } = await silentServer();
    try {
      const child = spawnCli(['doctor', '--timeout', '30s', '--redis-url', `redis://127.0.0.1:${port}/0`]);
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      // Synchronise on the CLI's connection reaching the (silent) server: it is then inside the command.
      await new Promise((r) => server.once('connection', r));
      const t0 = Date.now();
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      expect(code).toBe(130);
      // A hang bound only: far below the 30 s --timeout it would otherwise wait out.
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(stderr).toMatch(/interrupted/);
    } finally {
      server.close();
    }
  });
});

describe('doctor against a healthy setup', () => {
  it.each(['postgres', 'mysql'] as const)('reports ok on %s and exits 0; a counter behind fails it', async (kind) => {
    const url = kind === 'postgres' ? await createPgDatabase() : await createMysqlDatabase();
    await createTicketTable(kind, url, [
      { sn: `loonflow_${today.replace(/-/g, '')}0007`, created: `${today} 10:00:00` },
    ]);
    await redis.client.set(`ticket_day_count_${today}`, '7');
    const r = await runCli(['doctor', '--json', '--redis-url', redis.url, '--database-url', url, '--tz', FIXTURE_TZ]);
    const report = JSON.parse(r.stdout);
    const byName = Object.fromEntries(report.checks.map((c: { name: string; status: string }) => [c.name, c.status]));
    expect(byName).toMatchObject({
      redis: 'ok',
      broker: 'ok',
      database: 'ok',
      'ticket table': 'ok',
      'serial counter': 'ok',
      'celery backlog': 'ok',
    });
    expect(report.checks.find((c: { name: string }) => c.name === 'database version').detail).toMatch(
      kind === 'postgres' ? /PostgreSQL 15/ : /MariaDB/,
    );
    expect(r.code).toBe(0);
    expect(report.ok).toBe(true);

    await redis.client.set(`ticket_day_count_${today}`, '3');
    const behind = await runCli([
      'doctor',
      '--json',
      '--redis-url',
      redis.url,
      '--database-url',
      url,
      '--tz',
      FIXTURE_TZ,
    ]);
    expect(behind.code).toBe(1);
    const counter = JSON.parse(behind.stdout).checks.find((c: { name: string }) => c.name === 'serial counter');
    expect(counter).toMatchObject({ status: 'fail', data: { counter: 3, max_seq: 7, status: 'behind' } });
    await redis.client.del(`ticket_day_count_${today}`);
  });

  it('a database without the ticket table fails the table check', async () => {
    const r = await runCli(['doctor', '--json', '--redis-url', redis.url, '--database-url', inject('pgUrl')]);
    expect(r.code).toBe(1);
    const t = JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'ticket table');
    expect(t).toMatchObject({ status: 'fail', detail: 'ticket_ticketrecord not found' });
  });
});

describe('start-up stays lean', () => {
  it.each([['--help'], ['--version'], ['queue', '--help'], ['config', 'show']])(
    '%s loads none of ioredis, pg, kysely, mysql2',
    async (...args) => {
      const log = join(dir, `modules-${args.join('-')}.log`);
      writeFileSync(log, '');
      const hook = new URL('../helpers/module-log.mjs', import.meta.url).pathname;
      const r = await runCli(args, { nodeArgs: ['--import', hook], env: { LOONCTL_MODULE_LOG: log } });
      expect(r.code).toBe(0);
      const loaded = readFileSync(log, 'utf8');
      expect(loaded).toContain('loonctl'); // the hook saw our own modules
      expect(loaded).not.toMatch(/node_modules\/(ioredis|pg|kysely|mysql2)\//);
      // Bundled packages count too: a loaded chunk of dist/ that holds one of them.
      const packages = loadedPackages(loaded);
      for (const heavy of ['ioredis', 'pg', 'kysely', 'mysql2']) expect(packages).not.toContain(heavy);
    },
  );
});
