// Issue 13: doctor's maxmemory-policy check judges what the policy can evict. kombu's binding sets
// (_kombu.binding.*) have no TTL: volatile-* never evicts them, allkeys-* does. The policy is changed only on a
// redis-server this test starts itself on a free port (never the shared server's configuration).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTransport } from '../../src/celery/transport.js';
import { evictionCheck } from '../../src/doctor/eviction-check.js';
import { runCli } from '../helpers/cli.js';
import { processGone, startPrivateRedis } from '../helpers/processes.js';

let server: { port: number; pid: number };
let client: Redis;
const t = makeTransport({});

beforeAll(async () => {
  const s = await startPrivateRedis();
  client = new Redis({ port: s.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  const pid = Number(/process_id:(\d+)/.exec(await client.info('server'))![1]);
  server = { port: s.port, pid };
});
afterAll(async () => {
  client.disconnect();
  process.kill(server.pid, 'SIGKILL');
  const end = Date.now() + 5000;
  while (!processGone(server.pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  expect(processGone(server.pid)).toBe(true);
});
beforeEach(async () => {
  await client.flushall();
  await client.sadd('_kombu.binding.loonflow', 'loonflow\x06\x16\x06\x16loonflow');
  await client.sadd('_kombu.binding.celery.pidbox', '\x06\x16\x06\x16w1@host.celery.pidbox');
  await client.config('SET', 'maxmemory', '1gb');
});

async function policy(p: string) {
  await client.config('SET', 'maxmemory-policy', p);
  return evictionCheck(client, t);
}

describe('maxmemory-policy', () => {
  it('noeviction: ok', async () => {
    expect(await policy('noeviction')).toMatchObject({ status: 'ok', detail: 'noeviction' });
  });

  it.each(['allkeys-lru', 'allkeys-lfu', 'allkeys-random'])(
    '%s with a memory limit: fail, naming the bindings',
    async (p) => {
      const r = await policy(p);
      expect(r.status).toBe('fail');
      expect(r.detail).toMatch(new RegExp(`^${p} can evict kombu's bindings \\(_kombu\\.binding\\.\\*\\)`));
      expect(r.data).toMatchObject({ policy: p, maxmemory_bytes: 1024 ** 3, bindings: 2, bindings_with_ttl: [] });
    },
  );

  it('allkeys-lru without maxmemory evicts nothing yet: warn, not fail', async () => {
    await client.config('SET', 'maxmemory', '0');
    const r = await policy('allkeys-lru');
    expect(r.status).toBe('warn');
    expect(r.detail).toMatch(/once maxmemory is set/);
  });

  it.each(['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'])(
    '%s while the bindings have no TTL: spares them (warn only for counters and locks, which have one)',
    async (p) => {
      const r = await policy(p);
      expect(r.status).toBe('warn');
      expect(r.detail).toBe(
        `${p} spares kombu's bindings (no TTL) but can evict keys with a TTL: serial day counters and locks`,
      );
    },
  );

  it('volatile-lru when a binding has been given a TTL: fail, naming it', async () => {
    await client.expire('_kombu.binding.loonflow', 86400);
    const r = await policy('volatile-lru');
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/^volatile-lru can evict _kombu\.binding\.loonflow: these bindings have a TTL/);
    expect(r.data).toMatchObject({ bindings_with_ttl: ['_kombu.binding.loonflow'] });
  });

  it('the CLI: allkeys-lru fails doctor (exit 1, the only line with -q); noeviction passes', async () => {
    const args = ['doctor', '-o', 'plain', '-q', '--redis-url', `redis://127.0.0.1:${server.port}/0`];
    const skip = ['--skip', 'database,queue-consumers,long-running-tasks,serial-primed,redis-version'];
    await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const bad = await runCli([...args, ...skip]);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/^maxmemory-policy\tfail\tallkeys-lru can evict/);
    expect(bad.stdout.trim().split('\n')).toHaveLength(1);
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    const good = await runCli([...args, ...skip]);
    expect(good).toMatchObject({ code: 0, stdout: '' });
  });
});
