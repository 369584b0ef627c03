import { describe, expect, it } from 'vitest';
import { memberAt, parseObjectSpans } from '../../src/celery/json-spans.js';
import { pyJsonString } from '../../src/celery/pyjson.js';
import { plainRoutingKeySpan } from '../../src/celery/write/routing-span.js';
import { routingKeyRewriter } from '../../src/celery/write/routing.js';

/** What a full parse says the rewrite is (the reference the plain searches must agree with). */
function parsed(raw: Buffer, queue: string): Buffer | null {
  const text = raw.toString('latin1');
  const v = memberAt(parseObjectSpans(text), ['properties', 'delivery_info', 'routing_key']);
  if (!v?.isString) return null;
  const value = Buffer.from(pyJsonString(queue), 'utf8').toString('latin1');
  return Buffer.from(text.slice(0, v.start) + value + text.slice(v.end), 'latin1');
}

const kombu = (headers: string, info: string, extra = '') =>
  `{"body": "W1sxXSwge30sIHt9XQ==", "content-encoding": "utf-8", "headers": {${headers}}, ` +
  `"properties": {"correlation_id": "c", "delivery_mode": 2, "delivery_info": {${info}}, ` +
  `"priority": 0, "body_encoding": "base64", "delivery_tag": "t"}${extra}}`;

const SHAPES: [string, string][] = [
  ['plain', kombu('"task": "t"', '"exchange": "", "routing_key": "loonflow"')],
  ['escaped quote in the key', kombu('"task": "t"', '"exchange": "", "routing_key": "lo\\"on"')],
  ['escaped backslash before the close', kombu('"task": "t"', '"routing_key": "q\\\\"')],
  ['a \\u escape anywhere', kombu('"task": "t\\u00e9"', '"routing_key": "q"')],
  ['an escaped key name', kombu('"task": "t"', '"routing\\u005fkey": "q"')],
  [
    'lookalike in headers first',
    kombu('"routing_key": "fake", "delivery_info": {"routing_key": "x"}', '"routing_key": "q"'),
  ],
  ['lookalike after properties', kombu('"task": "t"', '"routing_key": "q"', ', "x": {"routing_key": "late"}')],
  ['duplicate routing key (last wins)', kombu('"task": "t"', '"routing_key": "a", "routing_key": "b"')],
  ['nested object before the key', kombu('"task": "t"', '"exchange": {"routing_key": "in"}, "routing_key": "q"')],
  ['routing key one object deeper', kombu('"task": "t"', '"x": {"routing_key": "q"}')],
  ['delivery_info one object deeper', '{"properties": {"y": {"delivery_info": {"routing_key": "q"}}}}'],
  ['delivery_info closed before the key', '{"properties": {"delivery_info": {}, "x": {"routing_key": "q"}}}'],
  ['routing key before delivery_info', '{"properties": {"routing_key": "q", "delivery_info": {"a": 1}}}'],
  ['no space after the colon', kombu('"task": "t"', '"routing_key":"q"')],
  ['numeric routing key', kombu('"task": "t"', '"routing_key": 5')],
  ['no routing key', kombu('"task": "t"', '"exchange": ""')],
  ['properties closed before the key', '{"properties": {"delivery_info": {}}, "routing_key": "q"}'],
  ['not JSON', 'pickled \x80\x04 bytes "routing_key": "q"'],
  ['non-UTF-8 bytes in the body', kombu('"task": "t\xff\xfe"', '"routing_key": "q"')],
  ['already the destination', kombu('"task": "t"', '"routing_key": "dst \\u00e9"')],
  ['properties" inside a string first', kombu('"x": "properties\\"", "task": "t"', '"routing_key": "q"')],
];

describe('routingKeyRewriter', () => {
  for (const [name, text] of SHAPES) {
    it(`agrees byte for byte with a full parse: ${name}`, () => {
      const raw = Buffer.from(text, 'latin1');
      for (const queue of ['dst', 'dst é', 'a"b\\c', '队列']) {
        const got = routingKeyRewriter(queue)(raw);
        const want = parsed(raw, queue);
        expect(got === null ? null : got.toString('latin1')).toBe(want === null ? null : want.toString('latin1'));
      }
    });
  }

  it('finds the plain shape without a parse, and refuses what is not plainly it', () => {
    expect(plainRoutingKeySpan(SHAPES[0][1])).not.toBeNull();
    for (const i of [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]) expect(plainRoutingKeySpan(SHAPES[i][1])).toBeNull();
  });

  // Plain searches do not validate what lies around the routing key: a message that is no JSON at all
  // (kombu could not consume it either) may be rewritten where a parse refuses it. Every JSON one agrees.
  it('agrees with a full parse on random mutations of a kombu message that stay JSON', () => {
    const base = SHAPES[0][1];
    const alphabet = ['"', '\\', '{', '}', ':', ',', ' ', '_key"', '_info"', 'properties"', 'u', 'x'];
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const rewrite = routingKeyRewriter('moved');
    let checked = 0;
    for (let round = 0; round < 10000; round++) {
      let s = base;
      for (let k = 0; k <= rand(3); k++) {
        const at = rand(s.length);
        s = s.slice(0, at) + alphabet[rand(alphabet.length)] + s.slice(at + rand(2));
      }
      if (parseObjectSpans(s) === null) continue;
      checked++;
      const raw = Buffer.from(s, 'latin1');
      const got = rewrite(raw);
      const want = parsed(raw, 'moved');
      expect(got === null ? null : got.toString('latin1'), s).toBe(want === null ? null : want.toString('latin1'));
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
