import { describe, expect, it } from 'vitest';
import { makeTransport } from '../../src/celery/transport.js';
import { flavourForLoonflow } from '../../src/celery/write/flavour.js';
import { kombuBucket } from '../../src/celery/write/publish-route.js';
import { buildTaskMessage } from '../../src/celery/write/publish.js';
import { pyFloatRepr } from '../../src/celery/write/py-format.js';
import { parsePyJson } from '../../src/celery/write/py-value.js';
import { parseInstantIn } from '../../src/core/parse-instant.js';

const ID = '11111111-2222-3333-4444-555555555555';
const normalised = (raw: Buffer) =>
  raw
    .toString('utf8')
    .replace(/"eta": "[^"]+"/, '"eta": "<eta>"')
    .replace(/"origin": "gen\d+@[^"]+"/, '"origin": "<origin>"')
    .replace(/"reply_to": "[0-9a-f-]{36}"/, '"reply_to": "<oid>"')
    .replace(/"delivery_tag": "[0-9a-f-]{36}"/, '"delivery_tag": "<tag>"');

/**
 * Written by Celery 5.6.3 + kombu 5.6.2 (whose as_task_v2, send_task_message and kombu.utils.json are the
 * same code as LoonFlow 3.x's Celery 5.5.3 + kombu 5.5.4) for
 * `flow_hook_task.apply_async(args=[UUID('6f0b2c1e-...'), 'abc', 'it\'s "q" 工单'], kwargs={'when':
 * datetime(2026, 11, 24, 18, 0, 0, 123456), 'x': 1.0}, queue='loonflow', countdown=30, priority=6, task_id=ID)`.
 */
const CELERY55 =
  '{"body": "W1t7Il9fdHlwZV9fIjogInV1aWQiLCAiX192YWx1ZV9fIjogeyJoZXgiOiAiNmYwYjJjMWU4YTBlNGI1NTljMWQxYzhmNmYzYTdkMTAifX0s' +
  'ICJhYmMiLCAiaXQncyBcInFcIiBcdTVkZTVcdTUzNTUiXSwgeyJ3aGVuIjogeyJfX3R5cGVfXyI6ICJkYXRldGltZSIsICJfX3ZhbHVlX18iOiAiMjAy' +
  'Ni0xMS0yNFQxODowMDowMC4xMjM0NTYifSwgIngiOiAxLjB9LCB7ImNhbGxiYWNrcyI6IG51bGwsICJlcnJiYWNrcyI6IG51bGwsICJjaGFpbiI6IG51' +
  'bGwsICJjaG9yZCI6IG51bGx9XQ==", "content-encoding": "utf-8", "content-type": "application/json", "headers": ' +
  '{"lang": "py", "task": "tasks.flow_hook_task", "id": "11111111-2222-3333-4444-555555555555", "shadow": null, ' +
  '"eta": "<eta>", "expires": null, "group": null, "group_index": null, "retries": 0, "timelimit": [null, null], ' +
  '"root_id": "11111111-2222-3333-4444-555555555555", "parent_id": null, "argsrepr": ' +
  "\"[UUID('6f0b2c1e-8a0e-4b55-9c1d-1c8f6f3a7d10'), 'abc', 'it\\\\'s \\\"q\\\" \\u5de5\\u5355']\", " +
  '"kwargsrepr": "{\'when\': datetime.datetime(2026, 11, 24, 18, 0, 0, 123456), \'x\': 1.0}", "origin": "<origin>", ' +
  '"ignore_result": false, "replaced_task_nesting": 0, "stamped_headers": null, "stamps": {}}, "properties": ' +
  '{"correlation_id": "11111111-2222-3333-4444-555555555555", "reply_to": "<oid>", "delivery_mode": 2, ' +
  '"delivery_info": {"exchange": "", "routing_key": "loonflow"}, "priority": 6, "body_encoding": "base64", ' +
  '"delivery_tag": "<tag>"}}';

describe('buildTaskMessage', () => {
  it('Celery 5.5 / kombu 5.5: typed UUID and datetime arguments and the stamping headers, byte for byte', () => {
    const m = buildTaskMessage({
      task: 'tasks.flow_hook_task',
      argsJson:
        '[{"__type__": "uuid", "__value__": {"hex": "6f0b2c1e8a0e4b559c1d1c8f6f3a7d10"}}, "abc", "it\'s \\"q\\" 工单"]',
      kwargsJson: '{"when": {"__type__": "datetime", "__value__": "2026-11-24T18:00:00.123456"}, "x": 1.0}',
      countdown: 30,
      priority: 6,
      id: ID,
      celery: '5.5',
    });
    expect(normalised(m.raw)).toBe(CELERY55);
  });

  it('JS values: the same bytes as the JSON text (uuid objects, whole numbers as ints)', () => {
    const a = buildTaskMessage({
      task: 't',
      args: [{ __type__: 'uuid', __value__: { hex: '6F0B2C1E-8A0E-4B55-9C1D-1C8F6F3A7D10' } }, 5],
      id: ID,
    });
    const b = buildTaskMessage({ task: 't', argsJson: '["6f0b2c1e-8a0e-4b55-9c1d-1c8f6f3a7d10", 5]', id: ID });
    const body = (raw: Buffer) => JSON.parse(raw.toString()).body as string;
    expect(body(a.raw)).toBe(body(b.raw)); // kombu 5.2 writes a UUID as str()
    expect(a.argsrepr).toBe("[UUID('6f0b2c1e-8a0e-4b55-9c1d-1c8f6f3a7d10'), 5]");
  });

  it('Celery 4.1: its header set and order, quotes in argsrepr left unescaped', () => {
    const m = buildTaskMessage({ task: 't', args: ["it's"], id: ID, celery: '4.1' });
    const env = JSON.parse(m.raw.toString());
    expect(Object.entries(env.headers).map(([k]) => k)).toEqual([
      'lang', 'task', 'id', 'eta', 'expires', 'group', 'retries', 'timelimit', 'root_id', 'parent_id', 'argsrepr',
      'kwargsrepr', 'origin',
    ]); // prettier-ignore
    expect(env.headers.argsrepr).toBe("['it's']");
  });

  it('ETA: now + countdown as Python isoformat (fraction only when not zero), or the given instant', () => {
    const now = new Date('2026-11-24T08:00:00.000Z');
    expect(buildTaskMessage({ task: 't', countdown: 30, now }).eta).toBe('2026-11-24T08:00:30+00:00');
    expect(buildTaskMessage({ task: 't', countdown: 0.25, now }).eta).toBe('2026-11-24T08:00:00.250000+00:00');
    expect(buildTaskMessage({ task: 't', countdown: 0, now }).eta).toBeNull();
    const eta = parseInstantIn('2026-11-24 18:00', 'Asia/Shanghai', '--eta');
    expect(buildTaskMessage({ task: 't', eta }).eta).toBe('2026-11-24T10:00:00+00:00');
    expect(() => buildTaskMessage({ task: 't', eta, countdown: 5 })).toThrow(/not both/);
  });
});

describe('pieces', () => {
  it('kombu buckets: clamp to 0..9, bisect, bare name only for step 0', () => {
    const t = makeTransport();
    const keys = [0, 2, 3, 5, 6, 9, 12].map((p) => kombuBucket(t, 'q', p).key.toString('latin1'));
    expect(keys).toEqual(['q', 'q', 'q\x06\x163', 'q\x06\x163', 'q\x06\x166', 'q\x06\x169', 'q\x06\x169']);
    const odd = makeTransport({ prioritySteps: '2,5' });
    expect([0, 2, 7].map((p) => kombuBucket(odd, 'q', p).bucket)).toEqual([5, 2, 5]);
  });

  it('LoonFlow line and version to Celery format', () => {
    expect(flavourForLoonflow('3.x')).toBe('5.5');
    expect(flavourForLoonflow('2.x')).toBe('5.2');
    expect(flavourForLoonflow('2.x', 'r2.0.13')).toBe('4.1');
    expect(flavourForLoonflow('2.x', '2.0.14')).toBe('5.2');
    expect(flavourForLoonflow('1.x', '1.0.14')).toBe('4.1');
  });

  it('JSON read as Python reads it: key order, repeated keys, big integers, floats kept floats', () => {
    const v = parsePyJson('{"b": 1, "10": 2, "b": 3, "n": 12345678901234567890, "f": 1.0, "z": -0}', 'x');
    expect(v).toEqual({
      t: 'dict',
      entries: [
        ['b', { t: 'int', digits: '3' }],
        ['10', { t: 'int', digits: '2' }],
        ['n', { t: 'int', digits: '12345678901234567890' }],
        ['f', { t: 'float', v: 1 }],
        ['z', { t: 'int', digits: '0' }],
      ],
    });
    expect(() => parsePyJson('[1,]', '--args')).toThrow(/--args: not valid JSON/);
    expect(() => parsePyJson('{"__type__": "uuid", "__value__": {"hex": "zz"}}', '--args')).toThrow(/uuid/);
  });

  it('float repr as Python writes it', () => {
    const cases: [number, string][] = [
      [1, '1.0'], [0.1, '0.1'], [1e16, '1e+16'], [1.5e-7, '1.5e-07'], [0.0001, '0.0001'], [1e-5, '1e-05'],
      [123456789012345680, '1.2345678901234568e+17'], [-2.5, '-2.5'], [1e22, '1e+22'], [Infinity, 'inf'],
    ]; // prettier-ignore
    for (const [n, s] of cases) expect(pyFloatRepr(n)).toBe(s);
  });
});
