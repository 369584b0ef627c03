import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

const PYLOCK = new URL('./lock/pylock.py', import.meta.url).pathname;
let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

const py = (...args: string[]) => {
  const r = spawnSync('/usr/bin/python3', [PYLOCK, redis.url, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
};
const cli = (...args: string[]) => runCli(['lock', ...args, '--redis-url', redis.url]);

describe("interop with redis-py's Lock", () => {
  it('a lock held by Python makes acquire busy (75), shown with its token and uuid1 time and node', async () => {
    await redis.flush();
    const token = py('acquire', 'report', '30');
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const r = await cli('acquire', 'report', '--json');
    expect(r.code).toBe(75);
    const holder = JSON.parse(r.stdout).holder;
    expect(holder).toMatchObject({ name: 'report', token, kind: 'redis-py', never_expires: false });
    expect(holder.uuid1.node).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(Math.abs(Date.parse(holder.uuid1.time) - Date.now())).toBeLessThan(60_000);
    expect(r.stderr).toContain(token);
    const show = await cli('show', 'report', '--json');
    expect(JSON.parse(show.stdout)).toMatchObject({ token, kind: 'redis-py' });
    // loonctl can release it with Python's token, as redis-py would.
    expect((await cli('release', 'report', '--token', token)).code).toBe(0);
    expect(await redis.client.exists('report')).toBe(0);
  });

  it('a lock taken by loonctl blocks Python; Python extends and releases it with the printed token', async () => {
    await redis.flush();
    const a = await cli('acquire', 'nightly', '--ttl', '20s', '--json');
    expect(a.code).toBe(0);
    const { token, fence } = JSON.parse(a.stdout);
    expect(await redis.client.get('nightly')).toBe(token); // the value is the bare token, nothing else
    expect(fence).toMatch(/^\d+$/);
    expect(py('acquire', 'nightly', '5')).toBe('BUSY');
    expect(py('extend', 'nightly', token, '100', '0')).toBe('OK');
    expect(await redis.client.pttl('nightly')).toBeGreaterThan(110_000);
    expect(py('extend', 'nightly', token, '5', '1')).toBe('OK');
    expect(await redis.client.pttl('nightly')).toBeLessThanOrEqual(5000);
    expect(py('release', 'nightly', 'f'.repeat(32))).toBe('ERROR LockNotOwnedError');
    expect(py('release', 'nightly', token)).toBe('OK');
    expect(await redis.client.exists('nightly')).toBe(0);
  });

  it('loonctl extend follows redis-py: adds, replaces, refuses a foreign token and a key without expiry', async () => {
    await redis.flush();
    const token = py('acquire', 'job', '10');
    expect((await cli('extend', 'job', '--token', token, '--ttl', '50s')).code).toBe(0);
    expect(await redis.client.pttl('job')).toBeGreaterThan(55_000);
    expect((await cli('extend', 'job', '--token', token, '--ttl', '5s', '--replace')).code).toBe(0);
    expect(await redis.client.pttl('job')).toBeLessThanOrEqual(5000);
    const foreign = await cli('extend', 'job', '--token', 'a'.repeat(32), '--ttl', '5s');
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain(token);
    await redis.client.set('forever', token);
    const noExpiry = await cli('extend', 'forever', '--token', token, '--ttl', '5s');
    expect(noExpiry.code).toBe(1);
    expect(noExpiry.stderr).toMatch(/no expiry/);
    expect(py('extend', 'forever', token, '5', '0')).toBe('ERROR LockNotOwnedError');
    const missing = await cli('extend', 'nothing', '--token', token, '--ttl', '5s');
    expect(missing.code).toBe(3);
  });

  it('release by someone else exits 1 naming the holder; lock list recognises foreign locks', async () => {
    await redis.flush();
    const token = py('acquire', 'a-lock', '30');
    const r = await cli('release', 'a-lock', '--token', 'b'.repeat(32));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(token);
    await redis.client.set('unacked_mutex', 'c'.repeat(32), 'PX', 300000);
    await redis.client.set('qo_tasks.flow_hook_task_abc', '1', 'EX', 60);
    await redis.client.set('lock:report', 'd'.repeat(32), 'EX', 60);
    await redis.client.set(':1:cache-lock', 'e'.repeat(32));
    await redis.client.set('ticket_day_count_2025-01-01', '5');
    await redis.client.set('plain-string', 'hello');
    const list = JSON.parse((await cli('list', '--json')).stdout);
    const kinds = Object.fromEntries(list.map((h: { name: string; kind: string }) => [h.name, h.kind]));
    expect(kinds).toEqual({
      ':1:cache-lock': 'django-cache',
      'a-lock': 'redis-py',
      'lock:report': 'python-redis-lock',
      'qo_tasks.flow_hook_task_abc': 'celery-once',
      unacked_mutex: 'kombu-unacked-mutex',
    });
    expect(list.find((h: { name: string }) => h.name === ':1:cache-lock').never_expires).toBe(true);
    expect(
      Object.keys(
        JSON.parse((await cli('list', '--match', 'qo_*', '--json')).stdout).reduce(
          (a: Record<string, 1>, h: { name: string }) => ({ ...a, [h.name]: 1 }),
          {},
        ),
      ),
    ).toEqual(['qo_tasks.flow_hook_task_abc']);
  });
});
