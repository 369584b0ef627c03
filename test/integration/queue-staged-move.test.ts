// Issue 14: an unfiltered move that rewrites routing keys renames the bucket into loonctl's pending key and
// commits each chunk with MULTI / LPUSH / COMMIT_STAGED / EXEC. On the lean client (what `queue move` uses)
// and on ioredis (top): every message once, in order, with the bytes the full rewriter makes; arrivals
// during the move, an interruption, a lost lock, a destination that changes type, and SIGKILL then a rerun.
import { spawn } from 'node:child_process';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pyJsonDumps } from '../../src/celery/pyjson.js';
import { makeTransport } from '../../src/celery/transport.js';
import { bulkTake, type BulkOptions } from '../../src/celery/write/bulk.js';
import { rewriteRoutingKey } from '../../src/celery/write/routing.js';
import { connectLeanRedis } from '../../src/redis/lean-connect.js';
import { BIN, cliEnv, runCli } from '../helpers/cli.js';
import { envelope } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let lean: Redis;
const t = makeTransport();
beforeAll(async () => {
  redis = await claimRedisDb();
  lean = await connectLeanRedis(redis.url, { timeoutMs: 2000, role: 'broker' });
  expect(lean.constructor.name).toBe('LeanCore');
});
afterAll(async () => {
  await lean?.quit();
  await redis.release();
});
beforeEach(async () => {
  await redis.flush();
});

const PENDING = 'loonctl:pending:q';
/** Message i in shapes the plain search takes, and ones only the parser takes (non-ASCII bytes, a \u escape). */
function msg(i: number): Buffer {
  if (i % 7 === 3) return envelope({ id: `m${i}`, queue: 'q', args: ['工单', i] });
  if (i % 11 === 5) {
    const env = JSON.parse(envelope({ id: `m${i}`, queue: 'q' }).toString());
    env.headers.note = 'caf\u00e9 "quoted" \\ back';
    return Buffer.from(pyJsonDumps(env)); // ensure_ascii: \u00e9 and escaped quotes
  }
  if (i === 4321) return envelope({ id: `m${i}`, queue: 'q', args: ['x'.repeat(3_000_000)] }); // larger than a chunk's bytes
  return envelope({ id: `m${i}`, queue: 'q', args: [i] });
}
const messages = (n: number) => Array.from({ length: n }, (_, i) => msg(i));
const plain = (n: number) => Array.from({ length: n }, (_, i) => envelope({ id: `m${i}`, queue: 'q', args: [i] }));
/** Pushes them as a producer would: the first is the oldest (at the tail). */
async function fill(key: string, els: Buffer[]): Promise<void> {
  for (let i = 0; i < els.length; i += 1000) await redis.client.lpush(key, ...els.slice(i, i + 1000));
}
/** The whole list, head to tail, in pages: one LRANGE of 300,000 would stop the shared Redis for a second. */
async function all(key: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let from = 0; ; from += 10_000) {
    const page = (await redis.client.lrangeBuffer(key, from, from + 9_999)) as Buffer[];
    out.push(...page);
    if (page.length < 10_000) return out;
  }
}
/** Ids in worker order (the tail, which runs next, first). */
const ids = (els: Buffer[]) => els.map((e) => JSON.parse(e.toString()).headers.id as string).reverse();
const idList = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);
const move = (client: Redis, more: Partial<BulkOptions> = {}) =>
  bulkTake(client, t, 'q', {
    mode: 'move',
    filter: null,
    dryRun: false,
    dst: { queue: 'dst', keepRouting: false },
    ...more,
  });

for (const which of ['lean', 'ioredis'] as const) {
  const client = () => (which === 'lean' ? lean : redis.client);

  describe(`staged move on the ${which} client`, () => {
    it('moves every message once, oldest first, each with the bytes the full rewriter makes', async () => {
      const els = messages(5000);
      await fill('q', els);
      const r = await move(client());
      expect(r).toMatchObject({ scanned: 5000, matched: 5000, done: 5000, failed: [] });
      const moved = await all('dst');
      expect(ids(moved)).toEqual(idList(5000));
      const want = els.map((e) => rewriteRoutingKey(e, 'dst')!);
      [...moved].reverse().forEach((m, i) => expect(m.equals(want[i]), `m${i}`).toBe(true));
      expect(await redis.client.exists('q', PENDING, 'loonctl:held:q', 'loonctl:bulk-lock:q')).toBe(0);
    });

    it('messages sent to the source during the move stay there; nothing is lost', async () => {
      await fill('q', messages(5000));
      let sent = false;
      const r = await move(client(), {
        progress: () => {
          if (sent) return;
          sent = true;
          void redis.client.lpush('q', envelope({ id: 'late1', queue: 'q' }), envelope({ id: 'late2', queue: 'q' }));
        },
      });
      expect(r.done).toBe(5000);
      expect(ids(await all('dst'))).toEqual(idList(5000));
      expect(ids(await all('q'))).toEqual(['late1', 'late2']);
    });

    it('interrupted after the first commit: the rest goes back to the source in order', async () => {
      await fill('q', messages(5000));
      const stop = new AbortController();
      let firstCommit = 0;
      const r = await move(client(), {
        signal: stop.signal,
        progress: (n) => {
          firstCommit ||= n;
          stop.abort();
        },
      });
      // It stops at the commit boundary: nothing after the first commit is moved.
      expect(firstCommit).toBeGreaterThan(0);
      expect(r.done).toBe(firstCommit);
      expect(ids(await all('dst'))).toEqual(idList(r.done));
      expect(ids(await all('q'))).toEqual(idList(5000).slice(r.done));
      expect(await redis.client.exists(PENDING)).toBe(0);
    });

    it('a lock taken over mid-way: the next commit is taken back, each message in one place, a rerun finishes', async () => {
      const n = 20_000; // ten commits or so: the takeover lands long before the last
      await fill('q', plain(n));
      const err = await move(client(), {
        progress: () => void redis.client.set('loonctl:bulk-lock:q', 'another host 1 token', 'PX', 60_000),
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ message: expect.stringMatching(/lock/) });
      const dstNow = ids(await all('dst'));
      const pendingNow = ids(await all(PENDING));
      expect(dstNow.length).toBeGreaterThan(0);
      expect([...dstNow, ...pendingNow]).toEqual(idList(n)); // in order, pending behind what moved
      expect(await redis.client.llen('q')).toBe(0);

      await redis.client.del('loonctl:bulk-lock:q'); // the other run ended
      const again = await move(client());
      expect(again.recovered).toBe(pendingNow.length);
      expect(ids(await all('dst'))).toEqual(idList(n));
      expect(await redis.client.exists('q', PENDING)).toBe(0);
    });

    it('a destination that becomes a string mid-way: refused, every message in exactly one place', async () => {
      const n = 20_000;
      await fill('q', plain(n));
      let done = false;
      const err = await move(client(), {
        progress: () => {
          if (done) return;
          done = true;
          void redis.client.multi().rename('dst', 'dst-before').set('dst', 'a string').exec();
        },
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ exitCode: 1, message: expect.stringMatching(/stopped holding a list/) });
      expect(await redis.client.get('dst')).toBe('a string');
      const before = ids(await all('dst-before'));
      expect(before.length).toBeGreaterThan(0);
      expect([...before, ...ids(await all('q'))]).toEqual(idList(n));
      expect(await redis.client.exists(PENDING)).toBe(0);
    });
  });
}

describe('the commit script, alone', () => {
  it('takes its push back when the lock is not the caller or pending changed; refuses a string destination', async () => {
    const { COMMIT_STAGED } = await import('../../src/celery/write/staged-scripts.js');
    await redis.client.rpush(PENDING, 'a', 'b', 'c');
    await redis.client.rpush('dst', 'old');
    await redis.client.set('lock', 'mine');
    const commit = (token: string, pendingLength: number, dst = 'dst') =>
      redis.client
        .multi()
        .lpush(dst, 'c2', 'b2')
        .eval(COMMIT_STAGED, 3, 'lock', dst, PENDING, token, 60_000, 2, pendingLength)
        .exec();
    expect((await commit('theirs', 3))![1]).toEqual([null, 1]);
    expect((await commit('mine', 4))![1]).toEqual([null, 1]);
    expect(await redis.client.lrange('dst', 0, -1)).toEqual(['old']);
    expect(await redis.client.lrange(PENDING, 0, -1)).toEqual(['a', 'b', 'c']);
    await redis.client.set('str', 'x');
    expect((await commit('mine', 3, 'str'))![1]).toEqual([null, 2]);
    expect(await redis.client.lrange(PENDING, 0, -1)).toEqual(['a', 'b', 'c']);
    expect((await commit('mine', 3))![1]).toEqual([null, 0]);
    expect(await redis.client.lrange('dst', 0, -1)).toEqual(['b2', 'c2', 'old']);
    expect(await redis.client.lrange(PENDING, 0, -1)).toEqual(['a']);
  });
});

describe('SIGKILL in the middle of `queue move`, then the same command again', () => {
  it('every message is in exactly one place meanwhile; the rerun puts pending back and moves all, in order', async () => {
    const n = 300_000;
    await fill('q', plain(n));
    const args = ['queue', 'move', 'q', 'dst', '--yes'];
    const child = spawn(process.execPath, [BIN, ...args, '--broker-url', redis.url], {
      env: cliEnv(),
      stdio: 'ignore',
    });
    const deadline = Date.now() + 60_000;
    let seen: [number, number] = [0, 0];
    while (Date.now() < deadline) {
      const [[, moved], [, pending]] = (await redis.client.pipeline().llen('dst').llen(PENDING).exec()) as [
        unknown,
        number,
      ][];
      seen = [moved, pending];
      if (moved > 0) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    expect(seen[1], 'the move was caught mid-way').toBeGreaterThan(0);
    const dstNow = ids(await all('dst'));
    const pendingNow = ids(await all(PENDING));
    expect([...dstNow, ...pendingNow, ...ids(await all('q'))]).toEqual(idList(n));

    const again = await runCli([...args, '--broker-url', redis.url, '--json'], { timeoutMs: 60_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).recovered).toBe(pendingNow.length);
    expect(ids(await all('dst'))).toEqual(idList(n));
    expect(await redis.client.keys('loonctl:*')).toEqual([]);
  }, 120_000);
});
