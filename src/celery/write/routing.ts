import { pyJsonString } from '../pyjson.js';
import { applySplices, memberAt, parseObjectSpans, type JsonObjectSpan, type Splice } from '../json-spans.js';

/**
 * Rewrites `properties.delivery_info.routing_key` in a stored message, touching no other byte (a
 * header or argument that happens to be called `delivery_info` is left alone): the new value is
 * written as kombu's Python json writes strings. Null when that field is absent or not a string.
 */
export function rewriteRoutingKey(raw: Buffer, queue: string): Buffer | null {
  const text = raw.toString('latin1'); // byte-preserving: every byte maps to one char and back
  const v = memberAt(parseObjectSpans(text), ['properties', 'delivery_info', 'routing_key']);
  if (!v?.isString) return null;
  const value = Buffer.from(pyJsonString(queue), 'utf8').toString('latin1');
  return Buffer.from(text.slice(0, v.start) + value + text.slice(v.end), 'latin1');
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

/** Where a JSON string that opens at `i` closes (-1: it does not), skipping escaped characters. */
function closingQuote(s: string, i: number): number {
  for (let j = i + 1; ;) {
    const q = s.indexOf('"', j);
    if (q === -1) return -1;
    const b = s.indexOf('\\', j);
    if (b === -1 || b > q) return q;
    j = b + 2;
  }
}

/** Where `needle` occurs exactly once, else -1. */
function once(s: string, needle: string): number {
  const a = s.indexOf(needle);
  return a === -1 || s.indexOf(needle, a + needle.length) !== -1 ? -1 : a;
}

/**
 * The span of the routing key's value (quotes included, end exclusive) in the common case, found by plain
 * searches; null when unsure. The same test as the Lua plain_span of scripts.ts (see there for why it finds
 * the real field): no \u escape, the three names each once, in order, with only delivery_info's brace between.
 */
function plainSpan(s: string): [number, number] | null {
  const bs = s.indexOf('\\');
  if (bs !== -1 && s.indexOf('\\u', bs) !== -1) return null;
  let r = once(s, '_key"');
  let d = r === -1 ? -1 : once(s, '_info"');
  let p = d === -1 ? -1 : once(s, 'properties"');
  if (p === -1 || !(p < d && d < r)) return null;
  [p, d, r] = [p - 1, d - 9, r - 8];
  if (p < 0 || d < 0 || r < 0) return null;
  if (!s.startsWith('"properties": {', p) || !s.startsWith('"delivery_info": {', d)) return null;
  if (!s.startsWith('"routing_key": "', r)) return null;
  if (s.indexOf('{', p + 15) !== d + 17) return null;
  let b = s.indexOf('{', d + 18);
  if (b !== -1 && b < r) return null;
  b = s.indexOf('}', p + 15);
  if (b !== -1 && b < r) return null;
  let q = s.indexOf('"', r + 16);
  if (q === -1) return null;
  if (bs !== -1) {
    b = s.indexOf('\\', r + 16);
    if (b !== -1 && b < q) q = closingQuote(s, r + 15);
    if (q === -1) return null;
  }
  return [r + 15, q + 1];
}

/**
 * rewriteRoutingKey with the new value given as its JSON bytes (pyJsonString, ASCII), fast in the common
 * case (plain searches; the element itself when the key is already that value) and the full parse otherwise.
 */
export function rewriteRoutingKeyTo(raw: Buffer, queue: string, value: Buffer): Buffer | null {
  const span = plainSpan(raw.toString('latin1'));
  if (!span) return rewriteRoutingKey(raw, queue);
  const [start, end] = span;
  if (end - start === value.length && raw.compare(value, 0, value.length, start, end) === 0) return raw;
  const out = Buffer.allocUnsafe(raw.length - (end - start) + value.length);
  raw.copy(out, 0, 0, start);
  value.copy(out, start);
  raw.copy(out, start + value.length, end);
  return out;
}
