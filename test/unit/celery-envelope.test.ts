import { describe, expect, it } from 'vitest';
import { parse as yamlParse } from 'yaml';
import { decodeMessage, useYaml } from '../../src/celery/envelope.js';
import { globToRegExp, makeFilter } from '../../src/celery/filter.js';
import { pyJsonDumps } from '../../src/celery/pyjson.js';
import { parseUnackedValue } from '../../src/celery/read.js';
import { bucketKey, bucketOf, makeTransport, unescapeBytes } from '../../src/celery/transport.js';
import { envelope, unackedValue } from '../helpers/kombu.js';

describe('decodeMessage', () => {
  it('protocol 2 with Chinese arguments', () => {
    const m = decodeMessage(envelope({ id: 'a1', args: [1, '工单'], kwargs: { note: '审批通过' }, priority: 6 }));
    expect(m).toMatchObject({
      ok: true,
      protocol: 2,
      task: 'tasks.flow_hook_task',
      id: 'a1',
      args: [1, '工单'],
      kwargs: { note: '审批通过' },
      priority: 6,
      routingKey: 'loonflow',
    });
    expect(m.embed).toEqual({ callbacks: null, errbacks: null, chain: null, chord: null });
  });
  it('protocol 1', () => {
    const m = decodeMessage(envelope({ id: 'p1', protocol: 1, args: [7], eta: '2030-01-01T00:00:00+00:00' }));
    expect(m).toMatchObject({
      ok: true,
      protocol: 1,
      task: 'tasks.flow_hook_task',
      id: 'p1',
      args: [7],
      eta: '2030-01-01T00:00:00+00:00',
    });
  });
  it('zlib-compressed body', () => {
    expect(decodeMessage(envelope({ id: 'z', args: ['x'.repeat(5000)], compress: true }))).toMatchObject({
      ok: true,
      args: ['x'.repeat(5000)],
      compression: 'application/x-gzip',
    });
  });
  it('pickle and msgpack: headers shown, body noted', () => {
    const p = decodeMessage(
      envelope({ id: 'pk', contentType: 'application/x-python-serialize', body: Buffer.from([0x80, 4, 0x95]) }),
    );
    expect(p).toMatchObject({
      ok: true,
      task: 'tasks.flow_hook_task',
      id: 'pk',
      bodyNote: 'pickle body, not decoded',
      args: null,
    });
    expect(p.argsrepr).toBeTruthy();
    const mp = decodeMessage(envelope({ id: 'mp', contentType: 'application/x-msgpack', body: Buffer.from([0x93]) }));
    expect(mp).toMatchObject({ ok: true, bodyNote: 'msgpack body, not decoded' });
  });
  it('yaml body', () => {
    useYaml((s) => yamlParse(s));
    const body = Buffer.from(
      '- - 3\n  - 工单\n- {k: v}\n- {callbacks: null, chain: null, chord: null, errbacks: null}\n',
    );
    expect(decodeMessage(envelope({ id: 'y', contentType: 'application/x-yaml', body }))).toMatchObject({
      ok: true,
      args: [3, '工单'],
      kwargs: { k: 'v' },
    });
  });
  it('kombu >= 5.3 typed JSON values and chains in the embed', () => {
    const body = Buffer.from(
      pyJsonDumps([
        [{ __type__: 'datetime', __value__: '2025-01-01T08:00:00' }],
        { d: { __type__: 'decimal', __value__: '1.50' } },
        { callbacks: null, errbacks: null, chain: [{ task: 'tasks.run_flow_task', args: [9] }], chord: null },
      ]),
    );
    const m = decodeMessage(envelope({ id: 't', body }));
    expect(m.args).toEqual(['2025-01-01T08:00:00']);
    expect(m.kwargs).toEqual({ d: '1.50' });
    expect((m.embed!.chain as { task: string }[])[0]!.task).toBe('tasks.run_flow_task');
  });
  it('kombu 5.5 typed UUID arguments (LoonFlow 3.x tenant ids) display as the UUID string', () => {
    const hex = '3f2b8c1d9e0a4b7c8d6e5f4a3b2c1d0e';
    const typed = { __type__: 'uuid', __value__: { hex } };
    const body = Buffer.from(
      pyJsonDumps([[typed, 7], { tenant: typed }, { callbacks: null, errbacks: null, chain: null, chord: null }]),
    );
    const m = decodeMessage(envelope({ id: 'u', body }));
    expect(m.args).toEqual(['3f2b8c1d-9e0a-4b7c-8d6e-5f4a3b2c1d0e', 7]);
    expect(m.kwargs).toEqual({ tenant: '3f2b8c1d-9e0a-4b7c-8d6e-5f4a3b2c1d0e' });
  });
  it('hostile input is reported, never thrown', () => {
    expect(decodeMessage(Buffer.from('not json at all'))).toMatchObject({ ok: false, error: 'not JSON' });
    expect(decodeMessage(Buffer.from('[1, 2, 3]'))).toMatchObject({
      ok: false,
      error: 'JSON, but not a kombu message envelope',
    });
    const good = JSON.parse(envelope({ id: 'b' }).toString());
    expect(decodeMessage(Buffer.from(JSON.stringify({ ...good, body: '%%%not base64%%%' })))).toMatchObject({
      ok: false,
      error: 'body is not valid base64',
      task: 'tasks.flow_hook_task',
    });
    const truncated = Buffer.from(pyJsonDumps([[1], {}, {}]))
      .subarray(0, 6)
      .toString('base64');
    expect(decodeMessage(Buffer.from(JSON.stringify({ ...good, body: truncated })))).toMatchObject({
      ok: false,
      id: 'b',
    });
    expect(
      decodeMessage(
        Buffer.from(
          JSON.stringify({
            ...good,
            body: Buffer.from('garbage').toString('base64'),
            headers: { ...good.headers, compression: 'application/x-gzip' },
          }),
        ),
      ).error,
    ).toMatch(/cannot be inflated/);
    expect(decodeMessage(Buffer.alloc(0))).toMatchObject({ ok: false, error: 'not JSON' });
    expect(decodeMessage(Buffer.from([0xff, 0xfe, 0x00]))).toMatchObject({ ok: false });
  });
  it('a 5 MB message', () => {
    const m = decodeMessage(envelope({ id: 'big', args: ['y'.repeat(5 * 1024 * 1024)] }));
    expect(m.ok).toBe(true);
    expect(m.size).toBeGreaterThan(5 * 1024 * 1024);
  });
});

describe('unacked values', () => {
  it('slices the original element bytes out of a kombu-written value', () => {
    const el = envelope({ id: 'u', args: ['工单'] });
    const r = parseUnackedValue(unackedValue(el, 'loonflow'));
    expect(r.payload!.equals(el)).toBe(true);
    expect(r.routingKey).toBe('loonflow');
  });
  it('reports a value that is not JSON or not kombu-shaped', () => {
    expect(parseUnackedValue(Buffer.from('garbage')).error).toMatch(/not JSON/);
    expect(parseUnackedValue(Buffer.from('[{"a": 1}]')).error).toMatch(/not \[message/);
    expect(parseUnackedValue(Buffer.from('[{"a":1},"","loonflow"]'))).toMatchObject({
      payload: null,
      routingKey: 'loonflow',
    });
  });
});

describe('transport layout and filters', () => {
  it('bucket keys and steps', () => {
    const t = makeTransport();
    expect(bucketKey(t, 'loonflow', 0).toString('latin1')).toBe('loonflow');
    expect(bucketKey(t, 'loonflow', 6).toString('latin1')).toBe('loonflow\x06\x166');
    expect([0, 2, 3, 5, 9, 10].map((p) => bucketOf(t, p))).toEqual([0, 0, 3, 3, 9, 9]);
    const custom = makeTransport({ keyPrefix: 'lf:', sep: ':', prioritySteps: '0,5' });
    expect(bucketKey(custom, 'q', 5).toString()).toBe('lf:q:5');
    expect(unescapeBytes('\\x06\\x16')).toEqual(Buffer.from([6, 0x16]));
    expect(() => makeTransport({ prioritySteps: '3,1' })).toThrow(/ascending/);
  });
  it('globs and filters', () => {
    expect(globToRegExp('tasks.flow_*').test('tasks.flow_hook_task')).toBe(true);
    expect(globToRegExp('tasks.?un_flow_task').test('tasks.run_flow_task')).toBe(true);
    expect(globToRegExp('tasks.flow_*').test('tasksXflow_a')).toBe(false);
    const raw = envelope({ id: 'f1', args: [1, '工单'], priority: 3, eta: '2025-01-01T00:00:00+00:00' });
    const m = decodeMessage(raw);
    expect(
      makeFilter({ task: 'tasks.*hook*', grep: '工单', priority: 3, etaBefore: '2025-06-01T00:00:00Z' })!(m, raw),
    ).toBe(true);
    expect(makeFilter({ etaAfter: '2025-06-01T00:00:00Z' })!(m, raw)).toBe(false);
    expect(makeFilter({ id: 'other' })!(m, raw)).toBe(false);
    expect(makeFilter({})).toBeNull();
    expect(() => makeFilter({ etaBefore: 'soon' })).toThrow(/not a date-time/);
  });
  it('a header-only filter decides as the full decode does, and asks for the body only when it needs it', () => {
    const messages = [
      envelope({ id: 'a', task: 'tasks.send_ticket_notice', priority: 3, eta: '2025-01-01T00:00:00+00:00' }),
      envelope({ id: 'b', task: 'tasks.flow_hook_task' }),
      envelope({ id: 'c', task: 'tasks.send_x', body: Buffer.from('not json') }), // broken body, good headers
      envelope({ id: 'd', task: 'tasks.send_x', protocol: 1 }), // the task is in the body
      envelope({ id: 'e', task: 'tasks.send_x', compress: true }),
    ];
    const filters = [
      { task: 'tasks.send_*' },
      { id: 'd' },
      { priority: 3 },
      { etaBefore: '2025-06-01T00:00:00Z' },
      { task: 'tasks.*', etaAfter: '2024-06-01T00:00:00Z' },
    ];
    for (const spec of filters) {
      const f = makeFilter(spec)!;
      expect(f.needsBody, JSON.stringify(spec)).toBe(false);
      for (const raw of messages) {
        expect(f(decodeMessage(raw, { headersOnly: true }), raw), `${JSON.stringify(spec)} ${raw}`).toBe(
          f(decodeMessage(raw), raw),
        );
      }
    }
    expect(decodeMessage(messages[3], { headersOnly: true }).task).toBe('tasks.send_x');
    expect(decodeMessage(messages[0], { headersOnly: true }).args).toBeNull();
    expect(makeFilter({ grep: 'x' })!.needsBody).toBe(true);
    expect(makeFilter({ task: 'x', tenant: 'y' })!.needsBody).toBe(true);
  });
  it('pyJsonDumps writes what Python json.dumps writes', () => {
    expect(pyJsonDumps({ a: [1, 'é工', null, true], b: 1.5 })).toBe(
      '{"a": [1, "\\u00e9\\u5de5", null, true], "b": 1.5}',
    );
  });
});
