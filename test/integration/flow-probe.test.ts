// The flow probe fingerprints messages inside Redis (Lua) and the stats mirror fingerprints them in Node:
// both must give the same digest for every message, at the size limits of the hashed ends and beyond.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fingerprint } from '../../dist/monitor/fingerprint.js';
import { probeBuckets } from '../../dist/monitor/flow-probe.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

it('Redis and Node fingerprint every message alike: whole up to 8 KiB, beyond by its ends and length', async () => {
  const sizes = [0, 1, 64, 700, 4096, 8191, 8192, 8193, 12_000, 100_000];
  const messages = sizes.map((n, k) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = (i * 31 + k * 7) & 0xff; // every byte value, \r\n and NUL included
    return b;
  });
  // Oldest first, as workers take them: pushed at the head, so the first ends at the tail.
  await redis.client.lpush('fp', ...messages);
  const [probe] = await probeBuckets(redis.client, [Buffer.from('fp')], [''], { window: sizes.length });
  expect(probe.length).toBe(sizes.length);
  expect(probe.tail).toEqual(messages.map((m) => fingerprint(m)));
  expect(new Set(probe.tail).size).toBe(sizes.length);
  // Up to 8 KiB every byte counts; beyond, the first and last 4 KiB and the length.
  const flipped = (m: Buffer, at: number) => {
    const v = Buffer.from(m);
    v[at] ^= 1;
    return fingerprint(v);
  };
  const small = messages[3];
  expect(new Set([0, 350, 699].map((at) => flipped(small, at))).size).toBe(3);
  expect([0, 350, 699].map((at) => flipped(small, at))).not.toContain(fingerprint(small));
  const big = messages[9];
  for (const at of [0, 4095, big.length - 4096, big.length - 1]) expect(flipped(big, at)).not.toBe(fingerprint(big));
  expect(flipped(big, 50_000)).toBe(fingerprint(big));
  expect(fingerprint(Buffer.concat([big, Buffer.from('x')]))).not.toBe(fingerprint(big));
});

it('a list whose length and end elements are as the previous look saw them comes back unchanged, no windows', async () => {
  await redis.client.del('fp');
  const push = (n: number, from: number) =>
    redis.client.lpush(
      'fp',
      ...Array.from({ length: n }, (_, i) => `{"id": "m${from + i}", "pad": "${'x'.repeat(300)}"}`),
    );
  await push(100, 0);
  const key = [Buffer.from('fp')];
  const look = async (head: string, previous?: { length: number; tail: string }) =>
    (await probeBuckets(redis.client, key, [head], previous ? { previous: [previous] } : {}))[0];
  const first = await look('');
  expect(first).toMatchObject({ length: 100, unchanged: false });
  expect(first.tail).toHaveLength(32);
  const seen = { length: first.length, tail: first.tail[0] };
  expect(await look(first.head[0], seen)).toMatchObject({ length: 100, unchanged: true, tail: [], head: [] });
  // Without what the previous look saw, or with another length: the windows, as before.
  expect((await look(first.head[0])).unchanged).toBe(false);
  expect((await look(first.head[0], { ...seen, length: 99 })).unchanged).toBe(false);
  // One taken and one pushed: the same length, but both ends moved.
  await redis.client.rpop('fp');
  await push(1, 100);
  const moved = await look(first.head[0], seen);
  expect(moved).toMatchObject({ length: 100, unchanged: false, found: 1 });
  expect(moved.tail[0]).toBe(first.tail[1]);
  // The oldest message replaced in place (same length, same head): the tail tells.
  const now = { length: moved.length, tail: moved.tail[0] };
  await redis.client.lset('fp', -1, 'replaced');
  expect((await look(moved.head[0], now)).unchanged).toBe(false);
});
