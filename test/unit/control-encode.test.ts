import { describe, expect, it } from 'vitest';
import { signalName } from '../../src/celery/control/calls.js';
import { decodeControlReply, encodeControlRequest, type ControlRequest } from '../../src/celery/control/encode.js';
import {
  hostnameFromWorkerMember,
  makeMailbox,
  makeOid,
  oidTime,
  replyBindingKey,
  replyListKey,
  replyMember,
  requestChannel,
  workerBindingKey,
} from '../../src/celery/control/names.js';
import { classifyUnacked } from '../../src/celery/control/orphans.js';
import { controlHealth } from '../../src/celery/control/health.js';
import type { Census } from '../../src/celery/control/census.js';
import { makeTransport } from '../../src/celery/transport.js';

// What Celery 5.2.6 / kombu 5.2.4 PUBLISHed for `app.control.inspect().stats()` (captured with MONITOR).
const CELERY_STATS_REQUEST = [
  '{"body": "eyJtZXRob2QiOiAic3RhdHMiLCAiYXJndW1lbnRzIjoge30sICJkZXN0aW5hdGlvbiI6IG51bGwsICJwYXR0ZXJuIj',
  'ogbnVsbCwgIm1hdGNoZXIiOiBudWxsLCAidGlja2V0IjogIjQ3ZWFiOGQzLTM4YTgtNDE0Mi04NWQwLWQwNGZlZGNlOWIxYyIsIC',
  'JyZXBseV90byI6IHsiZXhjaGFuZ2UiOiAicmVwbHkuY2VsZXJ5LnBpZGJveCIsICJyb3V0aW5nX2tleSI6ICIzOTBiODBiYi1jNm',
  'VmLTM4ZTEtYmRhYy0yMTk2NmVhOTc5YmEifX0=", "content-encoding": "utf-8", "content-type": "application/j',
  'son", "headers": {"clock": 1, "expires": 1795499882.1093214}, "properties": {"delivery_mode": 2, "de',
  'livery_info": {"exchange": "celery.pidbox", "routing_key": ""}, "priority": 0, "body_encoding": "bas',
  'e64", "delivery_tag": "78a06397-93e8-44fc-a12a-f0988d3c3aba"}}',
].join('');
// A worker's reply to a ping, as it LPUSHed it.
const CELERY_PING_REPLY = [
  '{"body": "eyJ3MUB0ZXN0IjogeyJvayI6ICJwb25nIn19", "content-encoding": "utf-8", "content-type": "appli',
  'cation/json", "headers": {"ticket": "af9e6489-eb71-4c5f-959a-b5a1c53da4f2", "clock": 11}, "propertie',
  's": {"delivery_mode": 1, "delivery_info": {"exchange": "reply.celery.pidbox", "routing_key": "81ac69',
  'f8-1297-37cb-9fa1-39d6cf346e76"}, "priority": 0, "body_encoding": "base64", "delivery_tag": "3decd01',
  'a-b487-4ccf-9483-0b8c461df8b1"}}',
].join('');

const mailbox = makeMailbox(makeTransport(), 3);

describe('control request encoding', () => {
  const request: ControlRequest = {
    method: 'stats',
    arguments: {},
    destination: null,
    oid: '390b80bb-c6ef-38e1-bdac-21966ea979ba',
    ticket: '47eab8d3-38a8-4142-85d0-d04fedce9b1c',
    expires: 1795499882.1093214,
    deliveryTag: '78a06397-93e8-44fc-a12a-f0988d3c3aba',
  };
  it('is byte for byte what Celery publishes, delivery_tag included', () => {
    expect(encodeControlRequest(mailbox, request).toString()).toBe(CELERY_STATS_REQUEST);
  });
  it('carries destination lists, arguments in order, and non-ASCII escaped', () => {
    const raw = encodeControlRequest(mailbox, {
      ...request,
      method: 'revoke',
      arguments: { task_id: ['a'], terminate: false, signal: 'SIGTERM' },
      destination: ['w1@工'],
    });
    const env = JSON.parse(raw.toString());
    expect(env.properties.delivery_tag).toBe(request.deliveryTag);
    const body = Buffer.from(env.body, 'base64').toString();
    expect(body).toBe(
      [
        '{"method": "revoke", "arguments": {"task_id": ["a"], "terminate": false, "signal": "SIGTERM"}, "dest',
        'ination": ["w1@\\u5de5"], "pattern": null, "matcher": null, "ticket": "47eab8d3-38a8-4142-85d0-d04fe',
        'dce9b1c", "reply_to": {"exchange": "reply.celery.pidbox", "routing_key": "390b80bb-c6ef-38e1-bdac-21',
        '966ea979ba"}}',
      ].join(''),
    );
  });
  it('a cast (no oid) has neither ticket nor reply_to; a whole-second expiry stays a float', () => {
    const env = JSON.parse(encodeControlRequest(mailbox, { ...request, oid: null, expires: 1700000000 }).toString());
    expect(Object.keys(JSON.parse(Buffer.from(env.body, 'base64').toString()))).toEqual([
      'method',
      'arguments',
      'destination',
      'pattern',
      'matcher',
    ]);
    expect(encodeControlRequest(mailbox, { ...request, expires: 1700000000 }).toString()).toContain(
      '"expires": 1700000000.0}',
    );
  });
});

describe('control replies', () => {
  it('decodes a worker reply with its ticket', () => {
    expect(decodeControlReply(Buffer.from(CELERY_PING_REPLY))).toEqual({
      ok: true,
      ticket: 'af9e6489-eb71-4c5f-959a-b5a1c53da4f2',
      hostname: 'w1@test',
      result: { ok: 'pong' },
    });
  });
  it('reports a pickle reply instead of crashing', () => {
    const raw = CELERY_PING_REPLY.replace('application/json', 'application/x-python-serialize');
    expect(decodeControlReply(Buffer.from(raw))).toMatchObject({
      ok: false,
      ticket: 'af9e6489-eb71-4c5f-959a-b5a1c53da4f2',
      reason: expect.stringContaining('only JSON'),
    });
    expect(decodeControlReply(Buffer.from('garbage'))).toMatchObject({ ok: false, ticket: null });
  });
});

describe('revoke signal names', () => {
  it('accepts TERM, sigkill, SIGUSR1 and numbers; refuses the rest', () => {
    expect(['TERM', 'sigkill', 'SIGUSR1', '9'].map(signalName)).toEqual(['SIGTERM', 'SIGKILL', 'SIGUSR1', 'SIGKILL']);
    expect(() => signalName('NOPE')).toThrow(/not a signal/);
  });
});

describe('mailbox names', () => {
  it('channel carries the db and the key prefix; members are never prefixed', () => {
    const p = makeMailbox(makeTransport({ keyPrefix: 'lf:' }), 5, 'ctl');
    expect(requestChannel(mailbox).toString()).toBe('/3.celery.pidbox');
    expect(requestChannel(p).toString()).toBe('lf:/5.ctl.pidbox');
    expect(requestChannel(makeMailbox(makeTransport(), 5, 'celery', false)).toString()).toBe('celery.pidbox');
    expect(replyBindingKey(p).toString()).toBe('lf:_kombu.binding.reply.ctl.pidbox');
    expect(workerBindingKey(p).toString()).toBe('lf:_kombu.binding.ctl.pidbox');
    expect(replyMember(p, 'o1').toString('latin1')).toBe('o1\x06\x16\x06\x16o1.reply.ctl.pidbox');
    expect(replyListKey(p, 'o1').toString()).toBe('lf:o1.reply.ctl.pidbox');
    expect(hostnameFromWorkerMember(mailbox, Buffer.from('\x06\x16\x06\x16w1@test.celery.pidbox', 'latin1'))).toBe(
      'w1@test',
    );
  });
  it('oids are recognisable and carry their time', () => {
    const oid = makeOid(1700000000.7);
    expect(oid).toMatch(/^loonctl-1700000000-[0-9a-f]{16}$/);
    expect(oidTime(oid)).toBe(1700000000);
    expect(oidTime('390b80bb-c6ef-38e1-bdac-21966ea979ba')).toBeNull();
  });
});

describe('orphan classification', () => {
  const task = (id: string) => ({
    id,
    name: 't',
    args: [],
    kwargs: {},
    hostname: 'w1',
    timeStart: null,
    runningS: null,
    acknowledged: false,
    queue: 'loonflow',
    priority: 0,
    redelivered: false,
    workerPid: null,
    eta: null,
  });
  const census = (trusted: boolean): Census => ({
    startedAt: 10_000,
    receivers: 1,
    silent: ['dead@x'],
    trusted,
    distrust: trusted ? [] : ['1 subscriber received the census but did not answer'],
    workers: [
      {
        hostname: 'w1',
        pid: 1,
        concurrency: 1,
        prefetchCount: 4,
        queues: ['loonflow'],
        active: [task('a')],
        reserved: [task('b')],
        scheduled: [task('c')],
        counts: { active: 1, reserved: 1, scheduled: 1, processed: 0 },
        uptimeS: 5,
        version: '5.2.6',
        missing: [],
      },
    ],
  });
  const refs = [
    { tag: 'ta', id: 'a', task: 't', queue: 'loonflow', since: 1000 },
    { tag: 'tc', id: 'c', task: 't', queue: 'loonflow', since: 9_999 },
    { tag: 'tx', id: 'x', task: 't', queue: 'loonflow', since: 9_994.9 },
    { tag: 'ty', id: 'y', task: 't', queue: 'loonflow', since: 9_996 },
    { tag: 'tz', id: 'z', task: 't', queue: 'loonflow', since: 5_000 },
    { tag: 'tn', id: null, task: null, queue: 'loonflow', since: 1 },
  ];
  it('trusted census: listed = held, delivered 5 s or more before = orphan, newer = unknown', () => {
    const c = classifyUnacked(refs, census(true), 3600);
    expect(c.rule).toBe('census');
    expect(Object.fromEntries(c.entries.map((e) => [e.tag, e.status]))).toEqual({
      ta: 'held',
      tc: 'held',
      tx: 'orphan',
      ty: 'unknown',
      tz: 'orphan',
      tn: 'unknown',
    });
    expect(c.entries[0]!.holder).toBe('w1');
    expect(c.counts).toEqual({ held: 2, orphan: 2, unknown: 2 });
  });
  it('untrusted census: the visibility timeout decides, and says why', () => {
    const c = classifyUnacked(refs, census(false), 3600);
    expect(c.rule).toBe('visibility-timeout');
    expect(Object.fromEntries(c.entries.map((e) => [e.tag, e.status]))).toEqual({
      ta: 'held',
      tc: 'held',
      tx: 'unknown',
      ty: 'unknown',
      tz: 'orphan',
      tn: 'unknown',
    });
    expect(c.entries.find((e) => e.tag === 'tx')!.reason).toContain('did not answer');
  });
  it('health: ready queues without a consumer, tasks running longer than the threshold', () => {
    const c = census(true);
    c.workers[0]!.active = [
      { ...task('a'), runningS: 700 },
      { ...task('d'), runningS: 10 },
    ];
    const h = controlHealth(
      c,
      new Map([
        ['loonflow', 3],
        ['orphaned', 2],
        ['empty', 0],
      ]),
      600,
    );
    expect(h.unconsumed).toEqual([{ queue: 'orphaned', ready: 2 }]);
    expect(h.longRunning.map((t) => [t.id, t.worker])).toEqual([['a', 'w1']]);
  });
});
