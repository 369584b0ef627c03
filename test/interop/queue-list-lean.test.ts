// queue list runs on the lean Redis client (its spec says redis: 'lean'): with a real Celery 5.2 worker
// its census through the pidbox names the consumers, cleans up after itself, and ioredis is never loaded.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { census } from '../../src/celery/control/census.js';
import { replyBindingKey } from '../../src/celery/control/names.js';
import { waitFor } from '../helpers/celery.js';
import { runCli } from '../helpers/cli.js';
import { mailboxFor, startControlWorker, type ControlWorker } from '../helpers/control.js';
import { loadedPackages } from '../helpers/loaded-packages.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let worker: ControlWorker | undefined;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-queue-list-lean-'));
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await worker?.stop();
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});

describe('queue list on the lean client, with a live worker', () => {
  it('names the consumers, leaves no reply binding or list, and loads no ioredis', async () => {
    worker = startControlWorker({ brokerUrl: redis.url, name: 'w1@lean', log: join(dir, 'log') });
    const take = () => census(redis.client, mailboxFor(redis.client), { idleTimeoutMs: 500 });
    await waitFor(async () => (await take()).workers.length === 1, 30_000, 'the worker to answer');

    const log = join(dir, 'modules.log');
    writeFileSync(log, '');
    const hook = new URL('../helpers/module-log.mjs', import.meta.url).pathname;
    const args = ['queue', 'list', '--json', '--broker-url', redis.url, '--redis-url', redis.url, '--timeout', '3000'];
    const r = await runCli(args, { nodeArgs: ['--import', hook], env: { LOONCTL_MODULE_LOG: log } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { name: string; ready: number; consumers: string[] }[];
    expect(rows.find((q) => q.name === 'loonflow')).toMatchObject({ consumers: ['w1@lean'] });

    const members = await redis.client.smembers(replyBindingKey(mailboxFor(redis.client)).toString('latin1'));
    expect(members.filter((m) => m.startsWith('loonctl-'))).toEqual([]);
    const [, lists] = await redis.client.scan('0', 'MATCH', 'loonctl-*', 'COUNT', 1000);
    expect(lists).toEqual([]);

    const loaded = loadedPackages(readFileSync(log, 'utf8'));
    expect(loaded).not.toContain('ioredis');
    expect(loaded).toContain('commander'); // the log saw the bundle's packages
  });
});
