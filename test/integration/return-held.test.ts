// RETURN_HELD puts a walk's working lists back into the source in order. A staged move's pending can hold
// millions: no call may move more than `max` from any one list (one long script stops every client of Redis),
// and onto an empty held a list is renamed, not copied.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { RETURN_HELD } from '../../src/celery/write/chunk-scripts.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});
beforeEach(async () => {
  await redis.flush();
  await redis.client.set('lock', 'tok');
});

const KEYS = ['src', 'pending', 'held', 'lock', 'next'];
const MAX = 5000;
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
/** Fills a list so that it reads `els`, head to tail. */
async function list(key: string, els: string[]): Promise<void> {
  for (let i = 0; i < els.length; i += 5000) await redis.client.rpush(key, ...els.slice(i, i + 5000));
}
const call = async () => Number(await RETURN_HELD.run(redis.client, KEYS, ['tok', 60000, MAX]));

it('a long pending onto a non-empty held goes in calls of at most max, and the queue keeps its order', async () => {
  const [src, next, pending, held] = [names('s', 2), names('n', 3), names('p', 12_000), names('h', 4)];
  await Promise.all([list('src', src), list('next', next), list('pending', pending), list('held', held)]);
  const pendingLengths: number[] = [];
  let status: number;
  do {
    status = await call();
    pendingLengths.push(await redis.client.llen('pending'));
  } while (status === 1);
  expect(status).toBe(0);
  expect(pendingLengths).toEqual([7000, 2000, 0]);
  expect(await redis.client.lrange('src', 0, -1)).toEqual([...src, ...next, ...pending, ...held]);
  expect(await redis.client.exists('pending', 'next', 'held')).toBe(0);
});

it('onto an empty held, pending is renamed: one call, whatever its length', async () => {
  const [src, pending] = [names('s', 3), names('p', 40_000)];
  await Promise.all([list('src', src), list('pending', pending)]);
  expect(await call()).toBe(0);
  expect(await redis.client.lrange('src', 0, -1)).toEqual([...src, ...pending]);
  expect(await redis.client.exists('pending', 'next', 'held')).toBe(0);
});

it('a lock that is not ours moves nothing', async () => {
  await list('pending', names('p', 10));
  await redis.client.set('lock', 'someone else');
  expect(await call()).toBe(-1);
  expect(await redis.client.llen('pending')).toBe(10);
});
