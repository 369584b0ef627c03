import { pyJsonString } from '../pyjson.js';
import { plainRoutingKeySpan } from './routing-span.js';
import { applySplices, memberAt, parseObjectSpans, type JsonObjectSpan, type Splice } from '../json-spans.js';

/**
 * Rewrites `properties.delivery_info.routing_key` in a stored message, touching no other byte (a
 * header or argument that happens to be called `delivery_info` is left alone): the new value is
 * written as kombu's Python json writes strings. Null when that field is absent or not a string.
 */
export function rewriteRoutingKey(raw: Buffer, queue: string): Buffer | null {
  return routingKeyRewriter(queue)(raw);
}

/**
 * `rewriteRoutingKey` for one destination, for many messages: the common kombu shape is found by plain
 * searches (routing-span.ts), anything else is parsed. A message already bearing the key keeps its bytes.
 */
export function routingKeyRewriter(queue: string): (raw: Buffer) => Buffer | null {
  const value = routingKeyValue(queue);
  return (raw) => {
    const text = raw.toString('latin1'); // byte-preserving: every byte maps to one char and back
    const span = routingKeyValueSpan(text, value);
    if (span === null) return null;
    return span === 'same' ? raw : Buffer.from(text.slice(0, span[0]) + value + text.slice(span[1]), 'latin1');
  };
}

/** The JSON string a routing key is written as, as latin1 text of its UTF-8 bytes. */
export function routingKeyValue(queue: string): string {
  return Buffer.from(pyJsonString(queue), 'utf8').toString('latin1');
}

/**
 * Where `properties.delivery_info.routing_key`'s JSON string sits in a message (latin1 text): [start, end) to
 * replace with `value`; 'same' when it already is `value`; null when the message has no such string.
 */
export function routingKeyValueSpan(text: string, value: string): [number, number] | 'same' | null {
  const span = plainRoutingKeySpan(text);
  if (span) {
    const [open, close] = span;
    if (close + 1 - open === value.length && text.startsWith(value, open)) return 'same';
    return [open, close + 1];
  }
  const v = memberAt(parseObjectSpans(text), ['properties', 'delivery_info', 'routing_key']);
  if (!v?.isString) return null;
  return text.slice(v.start, v.end) === value ? 'same' : [v.start, v.end];
}

/** Sets `"redelivered": true` in one object: the value replaced in place, or the member appended. */
function markObject(text: string, obj: JsonObjectSpan): Splice | null {
  const existing = obj.members.get('redelivered');
  if (existing)
    return text.slice(existing.start, existing.end) === 'true'
      ? null
      : { start: existing.start, end: existing.end, insert: 'true' };
  return { start: obj.close, end: obj.close, insert: `${obj.members.size ? ', ' : ''}"redelivered": true` };
}

/**
 * Marks a message redelivered the way kombu's restore does (`headers.redelivered` and then
 * `properties.delivery_info.redelivered` set true; a missing object stops the marking there), changing
 * only those bytes, in Python's json style. A message that is not a JSON object comes back unchanged.
 */
export function markRedelivered(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const root = parseObjectSpans(text);
  const headers = memberAt(root, ['headers'])?.object;
  if (!headers) return raw;
  const splices: Splice[] = [];
  const h = markObject(text, headers);
  if (h) splices.push(h);
  const info = memberAt(root, ['properties', 'delivery_info'])?.object;
  const d = info ? markObject(text, info) : null;
  if (d) splices.push(d);
  return splices.length ? Buffer.from(applySplices(text, splices), 'latin1') : raw;
}
