// Commands whose spec says redis: 'lean' never load ioredis; the others still do.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { envelope } from '../helpers/kombu.js';
import { loadedPackages } from '../helpers/loaded-packages.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-lean-'));
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});

async function packagesOf(args: string[]): Promise<{ code: number; stdout: string; packages: Set<string> }> {
  const log = join(dir, `${args.slice(0, 2).join('-')}.log`);
  writeFileSync(log, '');
  const hook = new URL('../helpers/module-log.mjs', import.meta.url).pathname;
  const r = await runCli(args, { nodeArgs: ['--import', hook], env: { LOONCTL_MODULE_LOG: log } });
  return { code: r.code, stdout: r.stdout, packages: loadedPackages(readFileSync(log, 'utf8')) };
}

describe('the lean Redis client', () => {
  it.each([
    ['lock', 'list'],
    ['queue', 'list', '--no-workers'],
  ])('%s %s loads no ioredis', async (...args) => {
    const r = await packagesOf([...args, '--redis-url', redis.url, '--broker-url', redis.url]);
    expect(r.code).toBe(0);
    expect(r.packages).toContain('commander');
    expect(r.packages).not.toContain('ioredis');
  });

  it('lock acquire, release and run, which cron calls, load no ioredis', async () => {
    const url = ['--redis-url', redis.url];
    const acquired = await packagesOf(['lock', 'acquire', 'lean-lock', '--ttl', '30s', '--json', ...url]);
    expect(acquired.code).toBe(0);
    const token = JSON.parse(acquired.stdout).token as string;
    const released = await packagesOf(['lock', 'release', 'lean-lock', '--token', token, ...url]);
    const ran = await packagesOf(['lock', 'run', 'lean-run', ...url, '--', 'true']);
    for (const r of [acquired, released, ran]) {
      expect(r.code).toBe(0);
      expect(r.packages).toContain('commander');
      expect(r.packages).not.toContain('ioredis');
    }
    expect(await redis.client.exists('lean-lock', 'lean-run')).toBe(0);
  });

  it('queue move and queue export, which read and rewrite whole queues, load no ioredis', async () => {
    await redis.client.lpush('lean-src', envelope({ id: 'lean-1', queue: 'lean-src' }));
    const urls = ['--broker-url', redis.url, '--redis-url', redis.url];
    const exp = await packagesOf(['queue', 'export', 'lean-src', '-f', join(dir, 'out.jsonl'), ...urls]);
    expect(exp.code).toBe(0);
    const lines = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { queue: string }).queue)).toEqual(['lean-src']);
    const mv = await packagesOf(['queue', 'move', 'lean-src', 'lean-dst', '--yes', ...urls]);
    expect(mv.code).toBe(0);
    expect(String(await redis.client.lindex('lean-dst', 0))).toMatch(/lean-1/);
    for (const r of [exp, mv]) expect(r.packages).not.toContain('ioredis');
  });

  it('metrics for stdout loads no ioredis and every collector succeeds on the lean client', async () => {
    await redis.client.lpush('lean-metrics', envelope({ id: 'lean-m', queue: 'lean-metrics' }));
    const log = join(dir, 'metrics.log');
    writeFileSync(log, '');
    const hook = new URL('../helpers/module-log.mjs', import.meta.url).pathname;
    const r = await runCli(['metrics', '--broker-url', redis.url, '--redis-url', redis.url], {
      nodeArgs: ['--import', hook],
      env: { LOONCTL_MODULE_LOG: log },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(loadedPackages(readFileSync(log, 'utf8'))).not.toContain('ioredis');
    const success = r.stdout.split('\n').filter((l) => l.startsWith('loonctl_scrape_collector_success{'));
    expect(success.length).toBeGreaterThanOrEqual(7);
    for (const l of success) expect(l).toMatch(/ 1$/);
    expect(r.stdout).toMatch(/^loonctl_queue_ready_messages\{queue="lean-metrics",priority="0"\} 1$/m);
  });

  it('a command that did not opt in (queue stats) still loads ioredis', async () => {
    await redis.client.lpush('lean-stats', envelope({ id: 'st', queue: 'lean-stats' }));
    const r = await packagesOf(['queue', 'stats', 'lean-stats', '--broker-url', redis.url]);
    expect(r.code).toBe(0);
    expect(r.packages).toContain('ioredis');
  });
});
