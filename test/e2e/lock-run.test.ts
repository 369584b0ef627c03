import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { processGone, startPrivateRedis } from '../helpers/processes.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-lockrun-'));
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Global options go before `--`: everything after it belongs to the command.
const run = (args: string[], opts = {}) => runCli(['--redis-url', redis.url, 'lock', 'run', ...args], opts);
function start(args: string[]) {
  const child = spawnCli(['--redis-url', redis.url, 'lock', 'run', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}
async function until(cond: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(25);
  }
}

describe('lock run', () => {
  it('the child sees the lock in its environment; exit codes pass through; the lock is released', async () => {
    const r = await run(
      [
        'envjob',
        '--',
        'sh',
        '-c',
        'echo "$LOONCTL_LOCK_NAME $LOONCTL_LOCK_TOKEN $LOONCTL_LOCK_FENCE $(redis-cli -u "$URL" GET envjob)"; exit 7',
      ],
      { env: { URL: redis.url } },
    );
    expect(r.code).toBe(7);
    const [name, token, fence, stored] = r.stdout.trim().split(' ');
    expect(name).toBe('envjob');
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(stored).toBe(token);
    expect(Number(fence)).toBeGreaterThan(0);
    expect(await redis.client.exists('envjob')).toBe(0);
  });

  it('a child killed by a signal gives 128+n', async () => {
    expect((await run(['sigjob', '--', 'sh', '-c', 'kill -KILL $$'])).code).toBe(137);
  });

  it('a run longer than 3 TTLs keeps the lock the whole time', async () => {
    // Renewals run every ttl/3, so the process may stall up to 2/3 of a TTL unharmed: a 1.5 s TTL leaves 1 s
    // (with 600 ms, one 400 ms stall of a loaded CI machine expired the lock: exit 76).
    const { done } = start(['longjob', '--ttl', '1500ms', '--', 'sleep', '5']);
    await until(async () => (await redis.client.exists('longjob')) === 1);
    const token = await redis.client.get('longjob');
    for (let i = 0; i < 10; i++) {
      await sleep(500);
      if (i < 9) expect(await redis.client.get('longjob')).toBe(token);
    }
    const r = await done;
    expect(r.code).toBe(0);
    expect(await redis.client.exists('longjob')).toBe(0);
  });

  it('a second run is busy (75), waits with --wait, exits 0 with --busy-ok, or the --conflict-exit-code', async () => {
    // The first run holds the lock until the test says so: no sleeps to race against a loaded machine.
    const gate = join(mkdtempSync(join(tmpdir(), 'loonctl-gate-')), 'open');
    const first = start(['shared', '--', 'sh', '-c', `while [ ! -e ${gate} ]; do sleep 0.05; done`]);
    await until(async () => (await redis.client.exists('shared')) === 1);
    const busy = await run(['shared', '--', 'true']);
    expect(busy.code).toBe(75);
    expect(busy.stderr).toMatch(/lock shared is busy: held by token [0-9a-f]{32}.*pid \d+: sh( -c while.*)?$/m);
    expect((await run(['shared', '--busy-ok', '--', 'true'])).code).toBe(0);
    expect((await run(['shared', '--conflict-exit-code', '9', '--', 'true'])).code).toBe(9);
    const waited = run(['shared', '--wait', '30s', '--', 'sh', '-c', 'echo ran']);
    writeFileSync(gate, '');
    const w = await waited;
    expect(w.code).toBe(0);
    expect(w.stdout).toBe('ran\n');
    expect((await first.done).code).toBe(0);
  });

  it('force-releasing the lock from outside stops the whole process group (TERM) and exits 76', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const { done } = start(['victim', '--ttl', '900ms', '--', 'sh', '-c', `sleep 100 & echo $! > ${pidFile}; wait`]);
    await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect((await runCli(['lock', 'release', '--force', 'victim', '--yes', '--redis-url', redis.url])).code).toBe(0);
    const r = await done;
    expect(r.code).toBe(76);
    expect(r.stderr).toMatch(/lock victim lost: the lock was deleted or expired/);
    await until(() => processGone(grandchild), 3000);
  });

  it('SIGTERM to loonctl reaches the child and the lock is released', async () => {
    const marker = join(dir, 'got-term');
    const ready = join(dir, 'term-ready');
    const { child, done } = start([
      'termjob',
      '--',
      'sh',
      '-c',
      `trap 'echo term > ${marker}; exit 0' TERM; sleep 30 & touch ${ready}; wait`,
    ]);
    await until(() => existsSync(ready));
    child.kill('SIGTERM');
    const r = await done;
    expect(readFileSync(marker, 'utf8').trim()).toBe('term');
    expect(r.code).toBe(0);
    expect(await redis.client.exists('termjob')).toBe(0);
  });

  it('no secret from the command line reaches the metadata, lock show or lock list', async () => {
    const stop = join(dir, 'secretjob-stop');
    const wait = `while [ ! -f ${stop} ]; do sleep 0.05; done`;
    const argv = [
      'sh',
      '-c',
      wait,
      'postgres://admin:S3cretPW@db/prod',
      '--password=S3cretPW2',
      '-p',
      'S3cretPW3',
      'TOKEN=S3cretPW4',
    ];
    const { done } = start(['secretjob', '--', ...argv]);
    await until(async () => (await redis.client.exists('secretjob')) === 1);
    const seen = [
      (await redis.client.get('loonctl:lock-meta:secretjob')) ?? '',
      (await runCli(['lock', 'show', 'secretjob', '--json', '--redis-url', redis.url])).stdout,
      (await runCli(['lock', 'show', 'secretjob', '--redis-url', redis.url])).stdout,
      (await runCli(['lock', 'list', '-o', 'wide', '--redis-url', redis.url])).stdout,
    ].join('\n');
    expect(seen).toContain('secretjob');
    expect(seen).not.toMatch(/S3cretPW/);
    writeFileSync(stop, '');
    expect((await done).code).toBe(0);
  });

  it('metadata written by an older loonctl is masked when shown', async () => {
    const token = 'c'.repeat(32);
    await redis.client.set('oldmeta', token, 'PX', 60_000);
    const meta = {
      token,
      host: 'h',
      pid: '1',
      user: 'u',
      command: 'dump mysql://root:OldS3cret@db/x --token OldS3cret2',
    };
    await redis.client.set('loonctl:lock-meta:oldmeta', JSON.stringify(meta), 'PX', 60_000);
    const show = await runCli(['lock', 'show', 'oldmeta', '--json', '--redis-url', redis.url]);
    expect(JSON.parse(show.stdout).meta.command).toBe('dump mysql://root:****@db/x --token ****');
  });

  it('a command that does not exist exits 127 and releases the lock', async () => {
    const r = await run(['nocmd', '--', '/nonexistent/command']);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/command not found/);
    expect(await redis.client.exists('nocmd')).toBe(0);
  });

  it('Redis going away mid-run: the child is stopped once the lock can no longer be trusted (76)', async () => {
    const server = await startPrivateRedis();
    const started = join(dir, 'fragile-started');
    try {
      const url = `redis://127.0.0.1:${server.port}/0`;
      const child = spawnCli([
        'lock',
        'run',
        'fragile',
        '--ttl',
        '1500ms',
        '--kill-after',
        '500ms',
        '--redis-url',
        url,
        '--',
        'sh',
        '-c',
        `touch ${started}; exec sleep 30`,
      ]);
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const done = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      // Mid-run means the command runs: the key alone can exist before loonctl has read the reply that
      // granted it (Redis may die before writing it, and loonctl then rightly exits 69 without running).
      await until(async () => existsSync(started));
      const t0 = Date.now();
      server.stop();
      const code = await done;
      expect(code).toBe(76);
      expect(Date.now() - t0).toBeLessThan(1500 + 2000);
      expect(stderr).toMatch(/can no longer be trusted/);
    } finally {
      server.stop();
    }
  });
});

describe('lock bad input', () => {
  it.each([
    [['lock', 'acquire', 'x', '--ttl', '0'], /--ttl: 0 is below the minimum/],
    [['lock', 'acquire', 'x', '--ttl', '-5s'], /not a duration/],
    [['lock', 'acquire', 'x', '--ttl', '1x'], /not a duration/],
    [['lock', 'acquire', 'x', '--ttl', '25h'], /over 24h.*--allow-long-ttl/],
    [['lock', 'acquire', ''], /must not be empty/],
    [['lock', 'run', 'x', 'echo', 'hi'], /needs -- before the command/],
    [['lock', 'run', 'x', '--'], /needs a command/],
    [['lock', 'run', 'x', '--on-lost', 'explode', '--', 'true'], /Allowed choices are term, kill, ignore/],
    [['lock', 'release', 'x'], /needs --token/],
  ])('%j', async (args, message) => {
    const r = await runCli(['--redis-url', redis.url, ...(args as string[])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });

  it('a long TTL is allowed with --allow-long-ttl', async () => {
    const r = await runCli(['lock', 'acquire', 'long', '--ttl', '25h', '--allow-long-ttl', '--redis-url', redis.url]);
    expect(r.code).toBe(0);
    expect(await redis.client.pttl('long')).toBeGreaterThan(24 * 3600_000);
  });

  it('show and release of a lock nobody holds: 3', async () => {
    expect((await runCli(['lock', 'show', 'nobody', '--redis-url', redis.url])).code).toBe(3);
    expect(
      (await runCli(['lock', 'release', 'nobody', '--token', 'a'.repeat(32), '--redis-url', redis.url])).code,
    ).toBe(3);
  });

  it('force release: --dry-run changes nothing, --expect-token refuses a lock that changed hands, off a terminal it needs --yes, kombu mutex warns', async () => {
    await redis.client.set('stale', 'a'.repeat(32), 'PX', 60000);
    const dry = await runCli(['lock', 'release', '--force', 'stale', '--dry-run', '--redis-url', redis.url]);
    expect(dry.code).toBe(0);
    expect(await redis.client.exists('stale')).toBe(1);
    const noYes = await runCli(['lock', 'release', '--force', 'stale', '--redis-url', redis.url]);
    expect(noYes.code).toBe(2);
    const changed = await runCli([
      'lock',
      'release',
      '--force',
      'stale',
      '--expect-token',
      'b'.repeat(32),
      '--yes',
      '--redis-url',
      redis.url,
    ]);
    expect(changed.code).toBe(1);
    expect(await redis.client.exists('stale')).toBe(1);
    expect(
      (
        await runCli([
          'lock',
          'release',
          '--force',
          'stale',
          '--expect-token',
          'a'.repeat(32),
          '--yes',
          '--redis-url',
          redis.url,
        ])
      ).code,
    ).toBe(0);
    expect(await redis.client.exists('stale')).toBe(0);
    await redis.client.set('unacked_mutex', 'c'.repeat(32), 'PX', 300000);
    const mutex = await runCli(['lock', 'release', '--force', 'unacked_mutex', '--yes', '--redis-url', redis.url]);
    expect(mutex.stderr).toMatch(/kombu's unacked_mutex/);
  });
});

describe('fencing', () => {
  it('fences strictly increase across acquires, across a FLUSHDB, and across concurrent acquirers', async () => {
    const fences: bigint[] = [];
    const acquireOnce = async () => {
      const r = await runCli(['lock', 'acquire', 'fenced', '--json', '--ttl', '5s', '--redis-url', redis.url]);
      const j = JSON.parse(r.stdout);
      fences.push(BigInt(j.fence));
      await runCli(['lock', 'release', 'fenced', '--token', j.token, '--redis-url', redis.url]);
    };
    await acquireOnce();
    await acquireOnce();
    await redis.client.flushdb();
    await acquireOnce();
    for (let i = 1; i < fences.length; i++) expect(fences[i]! > fences[i - 1]!).toBe(true);

    const { connectRedis } = await import('../../src/redis/connect.js');
    const { tryAcquire, release, currentOwner } = await import('../../src/lock/locks.js');
    const clients = await Promise.all(
      Array.from({ length: 6 }, () => connectRedis(redis.url, { timeoutMs: 2000, role: 'redis' })),
    );
    const order: bigint[] = [];
    await Promise.all(
      clients.map(async (c) => {
        for (let n = 0; n < 15;) {
          const r = await tryAcquire(c, 'fenced', 5000, currentOwner('test'));
          if ('acquired' in r) {
            order.push(BigInt(r.acquired.fence));
            await release(c, 'fenced', r.acquired.token);
            n++;
          }
        }
      }),
    );
    clients.forEach((c) => c.disconnect());
    expect(order).toHaveLength(90);
    expect(order[0]! > fences[fences.length - 1]!).toBe(true);
    for (let i = 1; i < order.length; i++) expect(order[i]! > order[i - 1]!).toBe(true);
  });
});
