import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { envelope } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});
const json = async (...args: string[]) => {
  const r = await runCli(['queue', ...args, '--broker-url', redis.url, '--json']);
  return { ...r, data: r.stdout ? JSON.parse(r.stdout) : undefined };
};

describe('queue read side: hostile data and deployment options', () => {
  it('a broken message is shown as broken with its reason and never stops the listing', async () => {
    await redis.flush();
    // LPUSH order: the first pushed runs first (index -1).
    await redis.client.lpush(
      'loonflow',
      envelope({ id: 'good-1' }),
      'this is not json',
      '{"just": "json"}',
      envelope({ id: 'good-2', args: ['工单'] }),
      Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    );
    const r = await json('peek', 'loonflow');
    expect(r.code).toBe(0);
    expect(r.data.map((m: { id: string | null; broken: string | null }) => [m.id, m.broken])).toEqual([
      ['good-1', null],
      [null, 'not JSON'],
      [null, 'JSON, but not a kombu message envelope'],
      ['good-2', null],
      [null, 'not JSON'],
    ]);
    const table = await runCli(['queue', 'peek', 'loonflow', '-o', 'table', '--broker-url', redis.url]);
    expect(table.stdout).toMatch(/\(broken: not JSON\)/);
    const stats = await json('stats', 'loonflow');
    expect(stats.data).toMatchObject({ ready: 5, broken: 3 });
  });

  it('a binary queue name is listed with its bytes in base64', async () => {
    await redis.flush();
    const name = Buffer.from([0x71, 0xff, 0x01]);
    await redis.client.lpush(name, envelope({ id: 'bin' }));
    const r = await json('list');
    expect(r.code).toBe(0);
    expect(r.data[0].name_b64).toBe(name.toString('base64'));
    expect(r.data[0].ready).toBe(1);
  });

  it('a declared queue without messages is listed with 0; an unknown queue is 3', async () => {
    await redis.flush();
    await redis.client.sadd('_kombu.binding.loonflow', 'loonflow\x06\x16\x06\x16loonflow');
    const r = await json('list');
    expect(r.data).toEqual([
      {
        name: 'loonflow',
        buckets: { '0': 0, '3': 0, '6': 0, '9': 0 },
        ready: 0,
        unacked: 0,
        oldest_unacked_age_seconds: null,
        internal: false,
        declared: true,
        consumers: [],
      },
    ]);
    expect((await json('peek', 'loonflow')).data).toEqual([]);
    const missing = await runCli(['queue', 'peek', 'nosuch', '--broker-url', redis.url]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/no queue 'nosuch'.*known: loonflow/);
  });

  it('global_keyprefix, custom separator and priority steps', async () => {
    await redis.flush();
    await redis.client.lpush('lf:jobs', envelope({ id: 'p0', queue: 'jobs' }));
    await redis.client.lpush('lf:jobs|5', envelope({ id: 'p5', queue: 'jobs', priority: 5 }));
    const r = await json('list', '--key-prefix', 'lf:', '--sep', '|', '--priority-steps', '0,5');
    expect(r.data).toEqual([expect.objectContaining({ name: 'jobs', buckets: { '0': 1, '5': 1 }, ready: 2 })]);
    const env = await runCli(
      ['queue', 'peek', 'jobs', '--sep', '|', '--priority-steps', '0,5', '--json', '--broker-url', redis.url],
      { env: { LOONCTL_KEY_PREFIX: 'lf:' } },
    );
    expect(JSON.parse(env.stdout).map((m: { id: string }) => m.id)).toEqual(['p0', 'p5']);
  });

  it('peek reads only what it needs: --limit stops early on a long queue', async () => {
    await redis.flush();
    const batch = Array.from({ length: 5000 }, (_, i) => envelope({ id: `m${i}` }));
    for (let i = 0; i < batch.length; i += 1000) await redis.client.lpush('loonflow', ...batch.slice(i, i + 1000));
    const r = await json('peek', 'loonflow', '--limit', '3', '--offset', '4990');
    expect(r.data.map((m: { id: string; position: number }) => [m.id, m.position])).toEqual([
      ['m4990', 4990],
      ['m4991', 4991],
      ['m4992', 4992],
    ]);
  });

  it('stats --watch prints one JSON line per interval in a pipe and stops on Ctrl-C (130)', async () => {
    await redis.flush();
    await redis.client.lpush('loonflow', envelope({ id: 'w1' }));
    const child = spawnCli(['queue', 'stats', 'loonflow', '--watch', '1', '--broker-url', redis.url]);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const deadline = Date.now() + 10_000;
    while (out.split('\n').filter(Boolean).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('close', r));
    const lines = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatchObject({ queues: ['loonflow'], ready: 1, by_task: { 'tasks.flow_hook_task': 1 } });
    expect(code).toBe(130);
  });

  it('export: exact bytes, position and summary per line', async () => {
    await redis.flush();
    const a = envelope({ id: 'e1', args: ['工单'] });
    const b = envelope({ id: 'e2', priority: 9 });
    await redis.client.lpush('loonflow', a);
    await redis.client.lpush('loonflow\x06\x169', b);
    const r = await runCli(['queue', 'export', 'loonflow', '--broker-url', redis.url]);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.source, l.queue, l.bucket, l.position, l.summary.id])).toEqual([
      ['queue', 'loonflow', 0, 0, 'e1'],
      ['queue', 'loonflow', 9, 1, 'e2'],
    ]);
    expect(Buffer.from(lines[0].message_b64, 'base64').equals(a)).toBe(true);
    expect(Buffer.from(lines[1].message_b64, 'base64').equals(b)).toBe(true);
    expect(r.stderr).toMatch(/exported 2 message/);
    const bare = await runCli(['queue', 'export', 'loonflow', '--no-summary', '--broker-url', redis.url]);
    const bareLines = bare.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(
      bareLines.map((l) => [
        l.position,
        l.summary,
        Buffer.from(l.message_b64, 'base64').equals(l.position === 0 ? a : b),
      ]),
    ).toEqual([
      [0, undefined, true],
      [1, undefined, true],
    ]);
  });
});
