// Fuzz, read side (issue 19): random and hostile elements in queues and in unacked, a fixed seed and
// a bounded count. Every read must finish with a result that can be printed as JSON (or a typed
// error, never an internal one), and leave every key byte for byte as it was (DUMP before and after).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExportLine } from '../../src/celery/export-format.js';
import { exportQueue } from '../../src/celery/export.js';
import { makeFilter } from '../../src/celery/filter.js';
import { findTask } from '../../src/celery/find.js';
import { backlogSummary, listQueues } from '../../src/celery/list.js';
import { peekQueue, peekUnacked } from '../../src/celery/peek.js';
import { queueStats } from '../../src/celery/stats.js';
import { summarize } from '../../src/celery/summary.js';
import { makeTransport } from '../../src/celery/transport.js';
import { LoonError } from '../../src/core/errors.js';
import { dumpAll, Fuzz } from '../helpers/fuzz.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

const SEED = 19;
const ROUNDS = 4;
const MESSAGES = 120;
const t = makeTransport();

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

/** Runs a read; a typed error is an answer (exit code not 70), anything else fails the test. */
async function read<T>(what: string, fn: () => Promise<T>): Promise<T | LoonError> {
  try {
    const r = await fn();
    expect(
      () => JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v)),
      `${what}: printable`,
    ).not.toThrow();
    return r;
  } catch (e) {
    if (e instanceof LoonError && e.exitCode !== 70) return e;
    throw new Error(`${what}: ${(e as Error)?.stack ?? String(e)}`, { cause: e });
  }
}

describe('fuzz: reads over random and hostile data change nothing and never fail internally', () => {
  it.each(Array.from({ length: ROUNDS }, (_, i) => i))('round %i', async (round) => {
    const f = new Fuzz(SEED * 1000 + round);
    await redis.flush();
    await f.fillQueue(redis.client, 'loonflow', MESSAGES);
    await f.fillQueue(redis.client, 'other', MESSAGES / 4, 0.5);
    await f.fillUnacked(redis.client, 'loonflow', MESSAGES / 3);
    await redis.client.sadd(
      '_kombu.binding.celery',
      'loonflow\x06\x16\x06\x16loonflow',
      `x\x06\x16\x06\x16${f.text(6)}`,
    );
    const before = await dumpAll(redis.client);
    const lengths = await Promise.all(
      ['loonflow', 'loonflow\x06\x163', 'loonflow\x06\x166', 'loonflow\x06\x169'].map((k) => redis.client.llen(k)),
    );
    const total = lengths.reduce((a, b) => a + b, 0);

    await read('list', () => listQueues(redis.client, t, true));
    await read('backlog', () => backlogSummary(redis.client, t));
    await read('stats', () => queueStats(redis.client, t, null));
    const glob = ['[z-a]', 'tasks.*', '*notice*', '[', f.text(4)][round % 5]!;
    const filter = await read('filter', async () =>
      makeFilter({ task: glob, grep: f.chance(0.5) ? f.text(3) : undefined }),
    );
    const peeked = await read('peek', () =>
      peekQueue(redis.client, t, 'loonflow', {
        limit: 1 + f.int(50),
        offset: f.int(20),
        filter: filter instanceof LoonError ? null : filter,
      }),
    );
    if (!(peeked instanceof LoonError))
      for (const p of peeked) expect(() => JSON.stringify(summarize(p.message))).not.toThrow();
    await read('peek unacked', () =>
      peekUnacked(redis.client, t, f.chance(0.5) ? 'loonflow' : null, 2e9, {
        limit: 1 + f.int(20),
        offset: f.int(5),
        filter: null,
      }),
    );
    await read('show', () => findTask(redis.client, t, f.chance(0.5) ? `fz-${1 + f.int(MESSAGES)}-x` : 'absent'));

    // A whole export: one line per stored element, in worker order, bytes exact.
    const lines: string[] = [];
    const n = await read('export', () =>
      exportQueue(redis.client, t, Buffer.from('loonflow'), { filter: null, unacked: false }, (chunk) => {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
      }),
    );
    expect(n).toBe(total);
    const exported = lines.map((l) => Buffer.from(parseExportLine(l).message_b64, 'base64'));
    const stored = (
      await Promise.all(
        ['loonflow', 'loonflow\x06\x163', 'loonflow\x06\x166', 'loonflow\x06\x169'].map(async (k) =>
          ((await redis.client.lrangeBuffer(k, 0, -1)) as Buffer[]).reverse(),
        ),
      )
    ).flat();
    expect(exported.map((b) => b.toString('base64'))).toEqual(stored.map((b) => b.toString('base64')));
    await read('export unacked', () =>
      exportQueue(redis.client, t, Buffer.from('loonflow'), { filter: null, unacked: true }, () => {}),
    );

    expect(await dumpAll(redis.client)).toEqual(before);
  });
});
