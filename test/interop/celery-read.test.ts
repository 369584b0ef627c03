import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { killWorker, publish, startWorker, waitFor, type Published } from '../helpers/celery.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let sent: Published[];
beforeAll(async () => {
  redis = await claimRedisDb();
  sent = publish(redis.url, 'mixed');
});
afterAll(async () => {
  await redis.release();
});

const cli = (...args: string[]) => runCli(['queue', ...args, '--broker-url', redis.url]);
const json = async (...args: string[]) => {
  const r = await cli(...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

/** Every key with its DUMP, to prove reads change nothing. */
async function snapshot(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.client.scanBuffer(cursor, 'COUNT', 1000);
    cursor = next.toString();
    for (const k of keys)
      out.set(
        k.toString('base64'),
        ((await redis.client.dumpBuffer(k)) ?? Buffer.alloc(0)).toString('base64') + `:${await redis.client.pttl(k)}`,
      );
  } while (cursor !== '0');
  return out;
}

describe('queue read side against a real Celery producer', () => {
  it('list: ready per priority bucket and in total', async () => {
    const queues = await json('list');
    expect(queues).toHaveLength(1);
    expect(queues[0]).toMatchObject({
      name: 'loonflow',
      ready: sent.length,
      unacked: 0,
      buckets: { '0': 6, '3': 0, '6': 1, '9': 1 },
      declared: true,
    });
  });

  it('peek: worker order (bucket 0 first, oldest first), decoded exactly', async () => {
    const msgs = await json('peek', 'loonflow', '--limit', '100');
    const byPriority = [...sent].sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0)); // stable: oldest first within a bucket
    expect(msgs.map((m: { id: string }) => m.id)).toEqual(byPriority.map((s) => s.id));
    expect(msgs.map((m: { position: number }) => m.position)).toEqual(byPriority.map((_, i) => i));
    for (const s of sent) {
      const m = msgs.find((x: { id: string }) => x.id === s.id);
      expect(m.task).toBe(s.task);
      expect(m.broken).toBeNull();
      if (s.serializer === 'pickle') {
        expect(m.note).toBe('pickle body, not decoded');
        expect(m.args).toBeNull();
        expect(m.argsrepr).toContain('104');
      } else {
        expect(m.args).toEqual(s.args);
        expect(m.kwargs).toEqual(s.kwargs);
      }
      if (s.eta) expect(Date.parse(m.eta)).toBeGreaterThan(Date.now() + 3000_000);
      if (s.serializer === 'yaml') {
        expect(m.content_type).toBe('application/x-yaml');
        expect(m.expires).toBeTruthy();
      }
      if (s.compression) expect(m.compression).toBe('application/x-gzip');
      expect(m.priority).toBe(s.priority ?? 0);
    }
    expect(msgs.find((m: { kwargs: { note?: string } }) => m.kwargs?.note === '工单已创建')).toBeTruthy();
    const page = await json('peek', 'loonflow', '--limit', '2', '--offset', '1');
    expect(page.map((m: { id: string }) => m.id)).toEqual(byPriority.slice(1, 3).map((s) => s.id));
    const filtered = await json('peek', 'loonflow', '--task', 'tasks.run_*');
    expect(filtered.map((m: { id: string }) => m.id)).toEqual([sent[1]!.id]);
    const grep = await json('peek', 'loonflow', '--grep', '工单已创建');
    expect(grep.map((m: { id: string }) => m.id)).toEqual([sent[0]!.id]);
    const wide = await cli('peek', 'loonflow', '-o', 'wide', '--limit', '1');
    expect(wide.stdout).toContain(sent[0]!.id);
  });

  it('show: every message found with where it sits; chains visible in the embed', async () => {
    const peeked = await json('peek', 'loonflow', '--limit', '100');
    for (const s of sent) {
      const doc = await json('show', s.id);
      const p = peeked.find((m: { id: string }) => m.id === s.id);
      expect(doc).toMatchObject({ where: 'queue', queue: 'loonflow', position: p.position, id: s.id, task: s.task });
      if (s.chain) expect(JSON.stringify(doc.embed.chain)).toContain('tasks.run_flow_task');
    }
    expect((await cli('show', '00000000-0000-0000-0000-000000000000')).code).toBe(3);
  });

  it('--raw prints the stored bytes', async () => {
    const raw = await cli('peek', 'loonflow', '--limit', '1', '--raw');
    const stored = await redis.client.lindexBuffer('loonflow', -1);
    expect(Buffer.from(raw.stdout.replace(/\n$/, ''), 'utf8').equals(stored!)).toBe(true);
  });

  it('reads leave Redis byte-identical', async () => {
    const before = await snapshot();
    for (const args of [
      ['list', '--all'],
      ['peek', 'loonflow', '--limit', '100'],
      ['peek', 'loonflow', '--unacked'],
      ['show', sent[3]!.id],
      ['stats'],
      ['export', 'loonflow'],
    ]) {
      expect((await cli(...args)).code).toBe(0);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a worker with acks_late SIGKILLed mid-task: list and peek --unacked show what it left', async () => {
    const worker = startWorker({ brokerUrl: redis.url, queues: 'loonflow', sleep: 60, prefetch: 3 });
    try {
      await waitFor(async () => (await redis.client.hlen('unacked')) >= 1, 30_000, 'the worker to take a message');
      await new Promise((r) => setTimeout(r, 1000)); // let it prefetch what it will
    } finally {
      await killWorker(worker);
    }
    const left = await redis.client.hlen('unacked');
    const queues = await json('list');
    const lf = queues.find((q: { name: string }) => q.name === 'loonflow');
    expect(lf.unacked).toBe(left);
    expect(lf.ready).toBe(sent.length - left);
    expect(lf.oldest_unacked_age_seconds).toBeGreaterThanOrEqual(0);
    const unacked = await json('peek', 'loonflow', '--unacked');
    expect(unacked).toHaveLength(left);
    for (const u of unacked) {
      expect(sent.map((s) => s.id)).toContain(u.id);
      expect(u.age_seconds).toBeGreaterThanOrEqual(0);
      expect(u.tag).toBeTruthy();
    }
    const table = await cli('peek', 'loonflow', '--unacked', '-o', 'table');
    expect(table.stdout).toMatch(/AGE.*TASK.*ID/);
    const all = await json('list', '--all');
    expect(all.some((q: { internal: boolean }) => q.internal)).toBe(true);
    expect(queues.some((q: { internal: boolean }) => q.internal)).toBe(false);
  }, 60_000);
});
