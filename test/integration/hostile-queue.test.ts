// Issue 19 items 9 and 10 on a real Redis: big messages are read and written in pages bounded in
// bytes; keys of an unexpected type are refused by name (exit 1) and never changed.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportQueue } from '../../src/celery/export.js';
import { discoverQueues, listQueues } from '../../src/celery/list.js';
import { peekQueue, peekUnacked } from '../../src/celery/peek.js';
import { PAGE_BYTES } from '../../src/celery/read.js';
import { queueStats } from '../../src/celery/stats.js';
import { makeTransport } from '../../src/celery/transport.js';
import { bulkTake } from '../../src/celery/write/bulk.js';
import { restoreUnacked } from '../../src/celery/write/restore.js';
import { forceRelease, inspectLock, tryAcquire } from '../../src/lock/locks.js';
import { reserveIfExists } from '../../src/serial/counter.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const t = makeTransport();
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

/** A message of about `bytes` bytes (its args carry the padding). */
const big = (id: string, bytes: number) =>
  envelope({ id, body: Buffer.from(`[["${'x'.repeat(Math.floor((bytes * 3) / 4))}"], {}, {}]`) });

/** The client with every LRANGE reply's size recorded. */
function measured(client: Redis, pages: number[]): Redis {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'lrangeBuffer') {
        return async (...args: unknown[]) => {
          const reply = (await (target.lrangeBuffer as (...a: unknown[]) => Promise<Buffer[]>)(...args)) as Buffer[];
          pages.push(reply.reduce((n, b) => n + b.length, 0));
          return reply;
        };
      }
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

async function dumpAll(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const k of (await redis.client.keysBuffer('*')) as Buffer[])
    out.set(k.toString('latin1'), ((await redis.client.dumpBuffer(k)) as Buffer).toString('base64'));
  return out;
}

describe('big messages (item 9)', () => {
  it('export of 24 x 4 MiB messages: LRANGE pages and writes bounded in bytes, every message exported', async () => {
    await redis.flush();
    const size = 3 * 1024 * 1024;
    const first = big('big-0', size);
    const other = big('big-n', size); // built once: the test's own JSON writer is slow on megabytes
    await redis.client.lpush('loonflow', first);
    for (let i = 1; i < 24; i++) await redis.client.lpush('loonflow', other);
    const pages: number[] = [];
    const writes: number[] = [];
    const n = await exportQueue(
      measured(redis.client, pages),
      t,
      Buffer.from('loonflow'),
      { filter: null, unacked: false },
      (lines) => {
        writes.push(lines.length);
      },
    );
    expect(n).toBe(24);
    expect(Math.max(...pages)).toBeLessThanOrEqual(PAGE_BYTES + size);
    expect(Math.max(...writes)).toBeLessThan(2 * 1.4 * size);
  });

  it('peek --limit 1 reads one small page, not 500 messages', async () => {
    const pages: number[] = [];
    const rows = await peekQueue(measured(redis.client, pages), t, 'loonflow', { limit: 1, offset: 0, filter: null });
    expect(rows[0]!.message.id).toBe('big-0');
    expect(pages.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(PAGE_BYTES * 2 + 2 * 3 * 1024 * 1024);
  });

  it('peek --unacked keeps only the oldest offset+limit, in the order a full sort gives', async () => {
    await redis.flush();
    const since = Array.from({ length: 300 }, (_, i) => (i * 7919) % 1000);
    for (let i = 0; i < since.length; i++) {
      const el = envelope({ id: `u-${i}` });
      await redis.client.hset('unacked', `tag-${i}`, unackedValue(el));
      if (i % 10) await redis.client.zadd('unacked_index', since[i]!, `tag-${i}`);
    }
    const expected = since.map((s, i) => ({ tag: `tag-${i}`, s: i % 10 ? s : Infinity })).sort((a, b) => a.s - b.s);
    const rows = await peekUnacked(redis.client, t, 'loonflow', 2000, { limit: 5, offset: 3, filter: null });
    expect(rows.map((r) => r.since ?? Infinity)).toEqual(expected.slice(3, 8).map((e) => e.s));
  });
});

describe('keys of an unexpected type (item 10)', () => {
  it('unacked a string: list, stats and peek --unacked refuse with exit 1 naming the key', async () => {
    await redis.flush();
    await redis.client.lpush('loonflow', envelope({ id: 'a' }));
    await redis.client.set('unacked', 'not a hash');
    const reads = [
      () => listQueues(redis.client, t, false),
      () => queueStats(redis.client, t, 'loonflow'),
      () => peekUnacked(redis.client, t, null, 0, { limit: 1, offset: 0, filter: null }),
    ];
    for (const read of reads) {
      await expect(read()).rejects.toMatchObject({
        exitCode: 1,
        message: expect.stringMatching(/key 'unacked' is a string, not a hash/),
      });
    }
  });

  it('a binding that is a string is skipped; the queue list goes on', async () => {
    await redis.flush();
    await redis.client.lpush('loonflow', envelope({ id: 'a' }));
    await redis.client.set('_kombu.binding.celery', 'oops');
    const { names } = await discoverQueues(redis.client, t);
    expect(names.map(String)).toEqual(['loonflow']);
  });

  it('purge, move and requeue refuse a bucket of another type before changing anything', async () => {
    await redis.flush();
    await redis.client.lpush('loonflow', envelope({ id: 'a' }), envelope({ id: 'b', priority: 3 }));
    await redis.client.set('other\x06\x163', 'a string where a bucket goes');
    await redis.client.hset('loonflow\x06\x163', 'f', 'v');
    const el = envelope({ id: 'u', priority: 3 });
    await redis.client.hset('unacked', 'tag-u', unackedValue(el));
    await redis.client.zadd('unacked_index', 1, 'tag-u');
    const before = await dumpAll();
    await expect(
      bulkTake(redis.client, t, 'loonflow', { mode: 'purge', filter: null, dryRun: false }),
    ).rejects.toMatchObject({ exitCode: 1 });
    await expect(
      bulkTake(redis.client, t, 'loonflow', {
        mode: 'move',
        filter: null,
        dryRun: false,
        dst: { queue: 'other', keepRouting: true },
      }),
    ).rejects.toMatchObject({ exitCode: 1 });
    // requeue reports the entry whose target is not a list and leaves it in unacked (issue 18 item 2).
    const r = await restoreUnacked(redis.client, t, {
      olderThanS: 0,
      includeEta: false,
      filter: null,
      dryRun: false,
      now: 10,
    });
    expect(r.restored).toBe(0);
    expect(r.failed.map((x) => x.reason).join()).toMatch(/is not a list/);
    expect(await dumpAll()).toEqual(before);
  });

  it('lock commands on a Celery list: not a lock, never deleted', async () => {
    await redis.flush();
    await redis.client.lpush('loonflow', envelope({ id: 'a' }));
    const before = await dumpAll();
    await expect(inspectLock(redis.client, 'loonflow')).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/is a list, not a lock/),
    });
    await expect(forceRelease(redis.client, 'loonflow')).rejects.toMatchObject({ exitCode: 1 });
    await expect(
      tryAcquire(redis.client, 'loonflow', 1000, { host: 'h', pid: 1, user: 'u', command: 'c' }),
    ).rejects.toMatchObject({ exitCode: 1 });
    expect(await dumpAll()).toEqual(before);
  });

  it('a serial counter that is a list: exit 1 naming it', async () => {
    await redis.flush();
    await redis.client.lpush('ticket_day_count_2025-03-01', 'x');
    await expect(reserveIfExists(redis.client, '2025-03-01', 1)).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/ticket_day_count_2025-03-01/),
    });
  });
});
