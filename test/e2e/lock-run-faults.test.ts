// Faults around `lock run` (issue 18 items 13-16, issue 19 item 2). Tests marked NEEDS WIRING use flags
// the command layer does not pass on yet (--max-runtime, --record-command).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { processGone, startPrivateRedis, startProxy } from '../helpers/processes.js';
import { UnavailableError } from '../../src/core/errors.js';
import { connectRedis } from '../../src/redis/connect.js';
import { currentOwner, tryAcquire } from '../../src/lock/locks.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-lockfaults-'));
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => Promise<boolean> | boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(25);
  }
}
function start(args: string[], url = redis.url) {
  const child = spawnCli(['--redis-url', url, 'lock', 'run', ...args]);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout!.resume();
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, done };
}
const run = (args: string[]) => runCli(['--redis-url', redis.url, 'lock', 'run', ...args]);
let files = 0;
const file = (name: string) => join(dir, `${name}-${files++}`);
const pidIn = async (f: string) => {
  await until(() => existsSync(f) && readFileSync(f, 'utf8').trim() !== '');
  return Number(readFileSync(f, 'utf8'));
};

describe('18.13 a hung connection', () => {
  it('a frozen path to Redis: the job is stopped before anyone else can take the lock, exit 76', async () => {
    const server = await startPrivateRedis();
    const proxy = await startProxy(server.port);
    const pidFile = file('hung');
    const { child, done } = start(
      ['hung', '--ttl', '4s', '--kill-after', '5s', '--', 'sh', '-c', `echo $$ > ${pidFile}; exec sleep 30`],
      `redis://127.0.0.1:${proxy.port}/0`,
    );
    const other = new Redis(`redis://127.0.0.1:${server.port}/0`);
    try {
      const pid = await pidIn(pidFile);
      await until(async () => (await other.exists('hung')) === 1);
      proxy.freeze();
      // Another host takes the lock as soon as Redis lets it; by then the job must be gone.
      await until(async () => (await other.set('hung', 'b'.repeat(32), 'PX', 60_000, 'NX')) === 'OK', 15_000);
      expect(processGone(pid)).toBe(true);
      const r = await done;
      expect(r.code).toBe(76);
      expect(r.stderr).toMatch(/lock hung lost: .*can no longer be trusted/);
    } finally {
      child.kill('SIGKILL');
      other.disconnect();
      proxy.close();
      server.stop();
    }
  });
});

describe('18.13 every Redis call of lock run is bounded', () => {
  it('an acquire on a connection that froze after connecting fails (69) instead of hanging', async () => {
    const server = await startPrivateRedis();
    const proxy = await startProxy(server.port);
    const client = await connectRedis(`redis://127.0.0.1:${proxy.port}/0`, { timeoutMs: 2000, role: 'redis' });
    try {
      proxy.freeze();
      const e = await tryAcquire(client, 'frozen', 800, currentOwner(['true'])).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UnavailableError);
      expect((e as Error).message).toMatch(/did not answer/);
    } finally {
      client.disconnect();
      proxy.close();
      server.stop();
    }
  });
});

describe('18.14 the job does not outlive loonctl', () => {
  it('SIGKILL of loonctl: the watchdog TERMs the group', async () => {
    const pidFile = file('orphan');
    const { child, done } = start([
      'orphan',
      '--ttl',
      '5s',
      '--kill-after',
      '1s',
      '--',
      'sh',
      '-c',
      `echo $$ > ${pidFile}; exec sleep 30`,
    ]);
    const pid = await pidIn(pidFile);
    child.kill('SIGKILL');
    await done;
    await until(() => processGone(pid));
  });

  it('a job that ignores TERM is KILLed before the lock expires, even with a long --kill-after', async () => {
    const pidFile = file('stubborn');
    const script = `trap '' TERM; echo $$ > ${pidFile}; while :; do sleep 0.1; done`;
    const { child, done } = start(['stubborn', '--ttl', '2s', '--kill-after', '60s', '--', 'sh', '-c', script]);
    const pid = await pidIn(pidFile);
    child.kill('SIGKILL');
    await done;
    await until(() => processGone(pid), 10_000);
  });

  it('NEEDS WIRING: --max-runtime stops a hung job, exit 124, and releases the lock', async () => {
    const r = await run(['slow', '--max-runtime', '1s', '--kill-after', '1s', '--', 'sleep', '30']);
    expect(r.code).toBe(124);
    expect(r.stderr).toMatch(/max-runtime/);
    expect(await redis.client.exists('slow')).toBe(0);
  });
});

describe('18.15 the whole process group', () => {
  it('a watchdog killed alone: loonctl stops the group itself and releases only after it is gone', async () => {
    const pidFile = file('nowatchdog');
    const { done } = start([
      'nowatchdog',
      '--kill-after',
      '1s',
      '--',
      'sh',
      '-c',
      `echo $$ > ${pidFile}; exec sleep 30`,
    ]);
    const pid = await pidIn(pidFile);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    expect(pgid).not.toBe(pid);
    process.kill(pgid, 'SIGKILL'); // the watchdog leads the group
    const r = await done;
    expect(processGone(pid)).toBe(true);
    expect(r.stderr).toMatch(/watchdog .* died/);
    expect(await redis.client.exists('nowatchdog')).toBe(0);
  });

  it('a background loop left by the command keeps the lock until it ends', async () => {
    const out = file('loop');
    const loop = `(i=0; while [ $i -lt 30 ]; do echo x >> ${out}; sleep 0.1; i=$((i+1)); done) &`;
    const first = start(['gc', '--ttl', '3s', '--', 'sh', '-c', loop]);
    await until(() => existsSync(out));
    const second = await run(['gc', '--', 'true']);
    expect(second.code).toBe(75);
    const r = await first.done;
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toHaveLength(30);
    expect(await redis.client.exists('gc')).toBe(0);
  });
});

describe('18.16 --on-lost ignore, TTL minimum', () => {
  it('--on-lost ignore lets the job finish, then exits 76 as documented', async () => {
    const ready = file('ignore-ready');
    const done = file('ignore-done');
    const { done: finished } = start([
      'ignored',
      '--ttl',
      '900ms',
      '--on-lost',
      'ignore',
      '--',
      'sh',
      '-c',
      `touch ${ready}; sleep 1.5; touch ${done}; exit 3`,
    ]);
    await until(() => existsSync(ready));
    expect((await runCli(['lock', 'release', '--force', 'ignored', '--yes', '--redis-url', redis.url])).code).toBe(0);
    const r = await finished;
    expect(existsSync(done)).toBe(true);
    expect(r.code).toBe(76);
    expect(r.stderr).toMatch(/ran on unprotected and exited 3/);
  });

  it.each(['1ms', '100ms'])('--ttl %s is a usage error', async (ttl) => {
    const r = await run(['tiny', '--ttl', ttl, '--', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at least 500ms/);
  });
});

describe('19.2 the command in lock metadata', () => {
  const argv = ['sh', '-c', 'sleep 1', 'postgres://admin:S3cretPW@db/prod', '--password', 'S3cretPW2'];
  const metaWhileRunning = async (name: string, extra: string[]) => {
    const { done } = start([name, ...extra, '--', ...argv]);
    let exited = false;
    void done.then(() => (exited = true));
    await until(async () => exited || (await redis.client.exists(name)) === 1);
    const meta = JSON.parse((await redis.client.get(`loonctl:lock-meta:${name}`)) ?? '{}') as { command?: string };
    expect((await done).code).toBe(0);
    return meta.command;
  };
  it('NEEDS WIRING: without --record-command only the program name is stored', async () => {
    expect(await metaWhileRunning('norecord', [])).toBe('sh');
  });
  it('NEEDS WIRING: --record-command stores the masked argument list', async () => {
    expect(await metaWhileRunning('record', ['--record-command'])).toBe(
      'sh -c "sleep 1" postgres://admin:****@db/prod --password ****',
    );
  });
});
