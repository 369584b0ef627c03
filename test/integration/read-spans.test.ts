// readQueueSpans (export's reader) against the list itself, on the lean client (reply copied out of the
// receive buffer as it is parsed) and on ioredis (Buffers it made): every message once, in worker order,
// byte for byte, with its position; a page stays intact while the next one is read.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readQueueSpans } from '../../src/celery/read-spans.js';
import { makeTransport } from '../../src/celery/transport.js';
import { connectRedis } from '../../src/redis/connect.js';
import { connectLeanRedis } from '../../src/redis/lean-connect.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const t = makeTransport();
const opts = { timeoutMs: 5000, role: 'broker' };
const BUCKETS = [0, 3, 9];
const bucketKey = (step: number) => (step ? `q\x06\x16${step}` : 'q');
/** What a worker would take, in order: bucket by bucket, oldest (the list's tail) first. */
let expected: { bucket: number; raw: Buffer }[] = [];

beforeAll(async () => {
  redis = await claimRedisDb();
  expected = [];
  for (const [b, step] of BUCKETS.entries()) {
    const els: Buffer[] = [];
    for (let i = 0; i < 700 * (b + 1); i++)
      els.push(Buffer.from(`{"m": ${i}, "b": ${step}, "pad": "${'é\r\n'.repeat(i % 40)}"}`));
    if (step === 3) els.splice(5, 0, Buffer.alloc(9 * 1024 * 1024, 0x41), Buffer.alloc(0), Buffer.from([0xff, 0x0d]));
    for (let i = 0; i < els.length; i += 500) await redis.client.lpush(bucketKey(step), ...els.slice(i, i + 500));
    expected.push(...els.map((raw) => ({ bucket: step, raw })));
  }
});
afterAll(async () => {
  await redis.release();
});

describe.each([
  ['lean', () => connectLeanRedis(redis.url, opts)],
  ['ioredis', () => connectRedis(redis.url, opts)],
])('on the %s client', (_name, connect) => {
  let client: Redis;
  beforeAll(async () => {
    client = await connect();
  });
  afterAll(async () => {
    await client.quit();
  });

  it('reads every message once, in worker order, byte for byte, with its position', async () => {
    const got: { bucket: number; position: number; raw: Buffer }[] = [];
    let pages = 0;
    for await (const page of readQueueSpans(client, t, Buffer.from('q'), 500)) {
      pages++;
      for (let k = 0; k < page.count; k++)
        got.push({
          bucket: page.bucket,
          position: page.position + k,
          raw: Buffer.from(page.bytes.subarray(page.starts[k], page.ends[k])),
        });
    }
    expect(pages).toBeGreaterThan(10);
    expect(got.length).toBe(expected.length);
    got.forEach((g, i) => {
      expect(g.position, `message ${i}`).toBe(i);
      expect(g.bucket, `message ${i}`).toBe(expected[i]!.bucket);
      expect(g.raw.equals(expected[i]!.raw), `message ${i}`).toBe(true);
    });
  });

  it('a page stays intact while the next one arrives (until the reader asks for it)', async () => {
    let checked = 0;
    for await (const page of readQueueSpans(client, t, Buffer.from('q'), 300)) {
      const span = (k: number) => page.bytes.subarray(page.starts[k], page.ends[k]);
      const copy = Array.from({ length: page.count }, (_, k) => Buffer.from(span(k)));
      // The next page is already on its way when a page is handed out: let it arrive, as an export's writes do.
      await new Promise((r) => setTimeout(r, 5));
      for (let k = 0; k < page.count; k++) expect(span(k).equals(copy[k]!), `message ${k}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
});
