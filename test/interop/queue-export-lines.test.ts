// queue export writes its lines through a fast path (a per-bucket head, lines encoded into Buffers, the
// YAML parser loaded after the first YAML body is met). Every line must be byte for byte what the
// record-based writer (exportLine, used for unacked entries and backups) makes from a full decode.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decode } from '../../src/celery/decode.js';
import { exportQueue } from '../../src/celery/export.js';
import { exportLine } from '../../src/celery/export-format.js';
import { pyJsonDumps } from '../../src/celery/pyjson.js';
import { summarize } from '../../src/celery/summary.js';
import { makeTransport } from '../../src/celery/transport.js';
import { publish } from '../helpers/celery.js';
import { envelope } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const t = makeTransport();
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

const BUCKETS = [0, 3, 6, 9];
const bucketKey = (step: number) => (step ? `loonflow\x06\x16${step}` : 'loonflow');

/** Odd shapes a real producer does not make, next to kombu-like ones. */
function oddElements(): Buffer[] {
  const typed = JSON.parse(envelope({ id: 'typed' }).toString());
  typed.body = Buffer.from(
    pyJsonDumps([[{ __type__: 'datetime', __value__: '2024-01-01T00:00:00' }], {}, {}]) as string,
  ).toString('base64');
  let deep = '1';
  for (let i = 0; i < 300; i++) deep = `[${deep}]`;
  return [
    envelope({ id: 'p1', protocol: 1, priority: 3, args: ['工单', { a: [1, 2.5] }] }),
    envelope({ id: 'msgpack', contentType: 'application/x-msgpack', body: Buffer.from([0x93, 0x90, 0x80, 0x80]) }),
    envelope({ id: 'big', args: ['é'.repeat(700_000)] }),
    envelope({ id: 'uni', args: ['\u{1F600} "q" \\ \u2028'], kwargs: { ключ: 'значение' } }),
    envelope({ id: 'gz', compress: true, args: ['x'.repeat(5000)] }),
    Buffer.from(pyJsonDumps(typed)),
    Buffer.from('not json at all'),
    Buffer.from('{"body": "x", "properties": {}}'),
    Buffer.from('{"body": "@@@", "content-type": "application/json", "properties": {"body_encoding": "base64"}}'),
    Buffer.from(`{"body": "", "headers": {"task": "t", "x": ${deep}}, "properties": {}}`),
    Buffer.from([0xff, 0xfe, 0x7b]),
    Buffer.alloc(0),
  ];
}

it('every line is what exportLine makes from a full decode (real Celery messages and odd shapes)', async () => {
  publish(redis.url, 'mixed');
  publish(
    redis.url,
    'spec',
    JSON.stringify([
      { args: [1, 'm'], serializer: 'msgpack' },
      { args: [2], kwargs: { k: 'ü' } },
    ]),
  );
  const odd = oddElements();
  odd.forEach((e, i) => void redis.client.lpush(bucketKey(BUCKETS[i % 4]!), e));
  await redis.client.ping();

  // The export first, while the YAML parser is not loaded yet (the fast path loads it on the first YAML body).
  // A Buffer handed to write is reused once the write resolves (as a real output has written it by then): copy.
  const chunks: Buffer[] = [];
  const n = await exportQueue(redis.client, t, Buffer.from('loonflow'), { filter: null, unacked: false }, (c) => {
    chunks.push(Buffer.from(c));
  });
  const lines = Buffer.concat(chunks).toString('utf8').split('\n');
  expect(lines.pop()).toBe('');

  const want: string[] = [];
  let position = 0;
  for (const bucket of BUCKETS) {
    const els = ((await redis.client.lrangeBuffer(bucketKey(bucket), 0, -1)) as Buffer[]).reverse();
    for (const raw of els) {
      const m = await decode(raw);
      const rec = { v: 1 as const, queue: 'loonflow', source: 'queue' as const, bucket, position: position++ };
      want.push(
        exportLine({ ...rec, delivery_tag: m.deliveryTag, message_b64: raw.toString('base64'), summary: summarize(m) }),
      );
    }
  }
  expect(n).toBe(want.length);
  expect(want.length).toBeGreaterThan(odd.length + 8);
  expect(lines).toHaveLength(want.length);
  lines.forEach((line, i) => expect(`${line}\n`, `line ${i}`).toBe(want[i]));
  // The shapes the comparison is about are there: a YAML body decoded, a protocol 1 task, a broken one.
  const summaries = lines.map((l) => JSON.parse(l).summary);
  expect(summaries.some((s) => s.content_type === 'application/x-yaml' && s.note === null && s.args)).toBe(true);
  expect(summaries.some((s) => s.protocol === 1)).toBe(true);
  expect(summaries.some((s) => s.content_type === 'application/x-msgpack' && s.task)).toBe(true);
  expect(summaries.filter((s) => s.broken).length).toBeGreaterThanOrEqual(5);
}, 60_000);
