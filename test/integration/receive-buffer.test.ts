// The lean client reads every reply into one reused receive buffer (src/redis/receive-buffer.ts): straight
// from a TCP or unix socket, copied in from TLS. A reply handed to a caller is copied out of it, so what a
// caller keeps must survive the replies that come after it; a decoder reads its reply in place.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LeanCore } from '../../src/redis/lean-client.js';
import { connectLeanRedis } from '../../src/redis/lean-connect.js';
import { encodeCommands } from '../../src/redis/resp.js';
import { startPrivateRedis } from '../helpers/processes.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let lean: Redis;
const opts = { timeoutMs: 2000, role: 'redis' };
/** Every byte value, CR LF and RESP's own markers among them, in a value of `n` bytes. */
const pattern = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + seed) % 256));

beforeAll(async () => {
  redis = await claimRedisDb();
  lean = await connectLeanRedis(redis.url, opts);
});
afterAll(async () => {
  await lean?.quit();
  await redis.release();
});

it('replies a caller keeps stay intact while later replies, large and small, reuse the buffer', async () => {
  const big = pattern(3_000_000, 1);
  const items = Array.from({ length: 2000 }, (_, i) => pattern(100 + (i % 900), i));
  await redis.client.set('big', big);
  await redis.client.rpush('list', ...items);
  const kept = {
    big: await lean.getBuffer('big'),
    list: await lean.lrangeBuffer('list', 0, -1),
    small: await lean.getBuffer('big').then((b) => b?.subarray(0, 10)),
  };
  // Pipelined: several replies parsed from one read, and a large one split over many.
  const p = lean.pipeline();
  for (let i = 0; i < 20; i++) p.lrangeBuffer('list', 0, -1).getBuffer('big').ping();
  const later = await p.exec();
  expect(later?.every(([err]) => err === null)).toBe(true);
  expect(kept.big?.equals(big)).toBe(true);
  expect(kept.list.length).toBe(items.length);
  kept.list.forEach((b, i) => expect(b.equals(items[i]!), `element ${i}`).toBe(true));
  expect(kept.small?.equals(big.subarray(0, 10))).toBe(true);
});

it('a decoder reads its reply in place, before the bytes are reused', async () => {
  const items = Array.from({ length: 500 }, (_, i) => pattern(50 + i, i));
  await redis.client.del('dlist');
  await redis.client.rpush('dlist', ...items);
  const core = lean as unknown as LeanCore;
  const hex = (r: unknown) => (r as Buffer[]).map((b) => b.toString('hex'));
  const bytes = encodeCommands([['LRANGE', 'dlist', 0, -1], ['LRANGE', 'dlist', 0, -1], ['PING']]);
  const [a, b, ping] = await Promise.all(core.sendEncoded(bytes, [hex, hex, null]));
  expect(a).toEqual(items.map((x) => x.toString('hex')));
  expect(b).toEqual(a);
  expect(String(ping)).toBe('PONG');
});

it('a unix socket reads into the same buffer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loonctl-sock-'));
  const sock = join(dir, 'redis.sock');
  const server = await startPrivateRedis(['--unixsocket', sock, '--unixsocketperm', '700']);
  try {
    const c = await connectLeanRedis(`unix://${sock}`, opts);
    const value = pattern(1_000_000, 3);
    await c.set('v', value);
    expect((await c.getBuffer('v'))?.equals(value)).toBe(true);
    await c.quit();
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
