// Every command group through Celery's sentinel:// list against a real master, replica and three sentinels,
// with a password for the master (in the URL) and one for the sentinels (sentinel_kwargs), never printed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { runCli, type CliResult } from '../helpers/cli.js';
import { startServer, startSentinelGroup, type SentinelGroup } from '../helpers/ha.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { freePort } from '../helpers/processes.js';

const MASTER_PW = 'm-secret-pw';
const SENTINEL_PW = 's-secret-pw';
let g: SentinelGroup;
let master: Redis;

beforeAll(async () => {
  g = await startSentinelGroup({ masterPassword: MASTER_PW, sentinelPassword: SENTINEL_PW });
  master = g.client(await g.masterPort(), 2);
});
afterAll(async () => {
  master?.disconnect();
  await g?.stop();
});

const env = { LOONCTL_SENTINEL_MASTER: 'loonmaster', LOONCTL_SENTINEL_PASSWORD: SENTINEL_PW };
const cli = (args: string[], extraEnv: Record<string, string | undefined> = {}) =>
  runCli([...args, '--redis-url', g.url(2), '--broker-url', g.url(2)], { env: { ...env, ...extraEnv } });
const noSecrets = (r: CliResult) => {
  expect(r.stdout + r.stderr).not.toContain(MASTER_PW);
  expect(r.stdout + r.stderr).not.toContain(SENTINEL_PW);
};

describe('commands through sentinel://', () => {
  it('serial next reserves on the master', async () => {
    const r = await cli(['serial', 'next', '--init-from', '7', '--date', '2024-06-01', '--count', '2', '-o', 'plain']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('loonflow_202406010008\nloonflow_202406010009\n');
    expect(await master.get('ticket_day_count_2024-06-01')).toBe('9');
  });

  it('queue list, peek, move and requeue', async () => {
    await master.lpush('loonflow', envelope({ id: 'q1' }), envelope({ id: 'q2' }));
    const el = envelope({ id: 'u1' });
    await master.hset('unacked', 'tag-u1', unackedValue(el));
    await master.zadd('unacked_index', 1000, 'tag-u1');
    const list = await cli(['queue', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.stringify(JSON.parse(list.stdout))).toMatch(/"loonflow"/);
    const peek = await cli(['queue', 'peek', 'loonflow', '--json']);
    expect(peek.stdout).toMatch(/q1/);
    const move = await cli(['queue', 'move', 'loonflow', 'other', '--yes', '--json']);
    expect(JSON.parse(move.stdout)).toMatchObject({ moved: 2 });
    const requeue = await cli(['queue', 'requeue', '--unacked', '--json']);
    expect(JSON.parse(requeue.stdout)).toMatchObject({ restored: 1 });
    expect(await master.llen('loonflow')).toBe(1);
    expect(await master.llen('other')).toBe(2);
    for (const r of [list, peek, move, requeue]) noSecrets(r);
  });

  it('lock acquire, show, release and run', async () => {
    const acq = await cli(['lock', 'acquire', 'nightly', '--ttl', '30s', '--json']);
    expect(acq.code).toBe(0);
    const { token } = JSON.parse(acq.stdout) as { token: string };
    expect(await master.get('nightly')).toBe(token);
    const show = await cli(['lock', 'show', 'nightly', '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ token });
    const rel = await cli(['lock', 'release', 'nightly', '--token', token]);
    expect(rel.code).toBe(0);
    const run = await cli(['lock', 'run', 'job', '--', 'sh', '-c', 'echo "$LOONCTL_LOCK_NAME"']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('job\n');
  });

  it('the rest of the queue and lock commands', async () => {
    await master.lpush('spare', envelope({ id: 's1', queue: 'spare' }), envelope({ id: 's2', queue: 'spare' }));
    const ok = async (args: string[]) => {
      const r = await cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      noSecrets(r);
      return r.stdout;
    };
    expect(await ok(['queue', 'stats', 'spare', '--json'])).toMatch(/flow_hook_task/);
    expect(await ok(['queue', 'show', 's1', '--json'])).toMatch(/"s1"/);
    expect((await ok(['queue', 'export', 'spare'])).trim().split('\n')).toHaveLength(2);
    expect(JSON.parse(await ok(['queue', 'purge', 'spare', '--id', 's1', '--yes', '--json']))).toMatchObject({
      removed: 1,
    });
    const { token } = JSON.parse(await ok(['lock', 'acquire', 'weekly', '--ttl', '30s', '--json'])) as {
      token: string;
    };
    await ok(['lock', 'extend', 'weekly', '--token', token, '--ttl', '60s']);
    expect(await ok(['lock', 'list', '--json'])).toMatch(/weekly/);
    expect(await master.llen('spare')).toBe(1);
  });

  it('config show and doctor never print a password', async () => {
    const show = await cli(['config', 'show', '--json']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('sentinel://:****@127.0.0.1');
    noSecrets(show);
    const doctor = await cli(['doctor', '--json'], { LOONCTL_DATABASE_URL: 'postgres://x:y@127.0.0.1:1/none' });
    noSecrets(doctor);
  });
});

describe('sentinel failures: exit 69 in words, no password', () => {
  it('sentinels that want a password, given none', async () => {
    const r = await cli(['serial', 'next', '--init-from', '0'], { LOONCTL_SENTINEL_PASSWORD: undefined });
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/sentinel/i);
    expect(r.stderr).toMatch(/password|auth/i);
    noSecrets(r);
  });

  it('a wrong sentinel password', async () => {
    const r = await cli(['serial', 'next', '--init-from', '0'], { LOONCTL_SENTINEL_PASSWORD: 'nope' });
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/sentinel.*(password|auth)/i);
    expect(r.stderr).not.toContain('nope');
  });

  it('a wrong master password', async () => {
    const r = await runCli(
      ['serial', 'next', '--init-from', '0', '--redis-url', g.url(2).replaceAll(MASTER_PW, 'wrong-master-pw')],
      { env },
    );
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/master 'loonmaster' rejected the password/);
    expect(r.stderr).not.toContain('wrong-master-pw');
  });

  it('a master name the sentinels do not know', async () => {
    const r = await cli(['serial', 'next', '--init-from', '0'], { LOONCTL_SENTINEL_MASTER: 'nosuchmaster' });
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/nosuchmaster/);
    noSecrets(r);
  });

  it('no sentinel answering', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const r = await runCli(
      [
        'serial',
        'next',
        '--init-from',
        '0',
        '--timeout',
        '1s',
        '--redis-url',
        `sentinel://:${MASTER_PW}@127.0.0.1:${a};sentinel://:${MASTER_PW}@127.0.0.1:${b}/0`,
      ],
      { env },
    );
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/sentinel/i);
    noSecrets(r);
  });
});

describe('Redis Cluster is out of scope', () => {
  it('a cluster-mode server gets a clear error, exit 69', async () => {
    const port = await freePort();
    const s = await startServer(port, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `/tmp/loonctl-cluster-${port}.conf`,
    ]);
    try {
      const r = await runCli(['serial', 'next', '--init-from', '0', '--redis-url', `redis://127.0.0.1:${port}/0`]);
      expect(r.code).toBe(69);
      expect(r.stderr).toMatch(/Redis Cluster/);
      expect(r.stderr).toMatch(/not supported/);
    } finally {
      await s.stop();
      await import('node:fs').then((fs) => fs.rmSync(`/tmp/loonctl-cluster-${port}.conf`, { force: true }));
    }
  });
});
