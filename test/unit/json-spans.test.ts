import { describe, expect, it } from 'vitest';
import { memberAt, parseObjectSpans } from '../../src/celery/json-spans.js';
import { markRedelivered, rewriteRoutingKey } from '../../src/celery/write/routing.js';

const b = (s: string) => Buffer.from(s);

describe('json spans', () => {
  it('skips strings ending in an escaped backslash and finds the last duplicate key', () => {
    const text = '{"a": "x\\\\", "p": {"k": 1}, "p": {"k": "two"}}';
    const k = memberAt(parseObjectSpans(text), ['p', 'k'])!;
    expect(text.slice(k.start, k.end)).toBe('"two"');
  });

  it('is null for anything that is not one JSON object', () => {
    for (const t of ['', '[]', '{"a": 1} x', '{"a": "unterminated}', '{"a" 1}', '{'.repeat(10_000)])
      expect(parseObjectSpans(t)).toBeNull();
  });
});

describe('markRedelivered', () => {
  it('fills an empty headers object and appends to delivery_info', () => {
    const raw = '{"headers": {}, "properties": {"delivery_info": {"exchange": "", "routing_key": "q"}}}';
    expect(markRedelivered(b(raw)).toString()).toBe(
      '{"headers": {"redelivered": true}, "properties": {"delivery_info": {"exchange": "", "routing_key": "q", "redelivered": true}}}',
    );
  });

  it('stops where kombu stops: no headers, nothing; no delivery_info, headers only', () => {
    expect(markRedelivered(b('{"properties": {"delivery_info": {}}}')).toString()).toBe(
      '{"properties": {"delivery_info": {}}}',
    );
    expect(markRedelivered(b('{"headers": {"a": 1}, "properties": {}}')).toString()).toBe(
      '{"headers": {"a": 1, "redelivered": true}, "properties": {}}',
    );
    expect(markRedelivered(b('not json')).toString()).toBe('not json');
  });
});

describe('rewriteRoutingKey', () => {
  it('writes the new name as Python json does and touches nothing else', () => {
    const raw =
      '{"headers": {"delivery_info": {"routing_key": "q"}}, "properties": {"delivery_info": {"routing_key": "q"}}}';
    expect(rewriteRoutingKey(b(raw), '工单')!.toString()).toBe(
      '{"headers": {"delivery_info": {"routing_key": "q"}}, "properties": {"delivery_info": {"routing_key": "\\u5de5\\u5355"}}}',
    );
    expect(rewriteRoutingKey(b('{"properties": {"delivery_info": {"routing_key": null}}}'), 'x')).toBeNull();
  });
});
