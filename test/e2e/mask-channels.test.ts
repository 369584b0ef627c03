import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startPrivateRedis } from '../helpers/processes.js';

const SECRETS = ['p@ss', 'Qw3rty', 'MyPw3', 'pa/ss', 'S0cketPw', 'WrongPw9'];
const clean = (text: string) => SECRETS.filter((s) => text.includes(s));

describe('no URL secret on any channel', () => {
  it('config show, table and JSON', async () => {
    const args = [
      '--redis-url',
      'redis://:p@ss@host:6379/0',
      '--broker-url',
      'redis://h/0?password=Qw3rty',
      '--database-url',
      'mysql://root@db/lf?password=MyPw3',
    ];
    for (const out of [[], ['--json']]) {
      const r = await runCli([...args, 'config', 'show', ...out]);
      expect(r.code).toBe(0);
      expect(clean(r.stdout + r.stderr)).toEqual([]);
      expect(r.stdout).toContain('****');
    }
  });

  it('a malformed URL, with --verbose', async () => {
    const r = await runCli(['--verbose', '--redis-url', 'redis://:pa/ss@host/0', 'lock', 'show', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/malformed Redis URL/);
    expect(clean(r.stdout + r.stderr)).toEqual([]);
  });

  describe('a unix socket with ?password=', () => {
    let server: { port: number; stop: () => void };
    const sock = join(mkdtempSync(join(tmpdir(), 'loonctl-sock-')), 'redis.sock');
    beforeAll(async () => {
      server = await startPrivateRedis(['--requirepass', 'S0cketPw', '--unixsocket', sock, '--unixsocketperm', '700']);
    });
    afterAll(() => server.stop());

    it('is used to connect', async () => {
      const r = await runCli([
        '--redis-url',
        `unix://${sock}?db=1&password=S0cketPw`,
        'lock',
        'acquire',
        'sockjob',
        '--json',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).name).toBe('sockjob');
    });

    it('a wrong one fails authentication without being printed, in doctor and in errors', async () => {
      const url = `unix://${sock}?password=WrongPw9`;
      const r = await runCli(['--verbose', '--redis-url', url, 'lock', 'show', 'x']);
      expect(r.code).toBe(69);
      expect(r.stderr).toMatch(/authentication failed/);
      expect(clean(r.stdout + r.stderr)).toEqual([]);
      const d = await runCli([
        '--redis-url',
        url,
        '--broker-url',
        `redis://127.0.0.1:${server.port}/0?password=WrongPw9`,
        'doctor',
        '--json',
      ]);
      expect(clean(d.stdout + d.stderr)).toEqual([]);
    });
  });
});
