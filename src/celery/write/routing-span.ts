/**
 * Where `properties.delivery_info.routing_key`'s string value sits in a message as kombu writes it, found
 * with a few plain searches instead of a parse (the move hot path). Null when the message is not plainly
 * of that shape; the caller then parses it (routing.ts). Plain means: no `\u` escape (so every key is
 * written as itself), the names `properties"`, `_info"` and `_key"` each once and in that order, each
 * opening exactly as `"properties": {`, `"delivery_info": {`, `"routing_key": "`, and between properties'
 * brace and the routing key no brace but delivery_info's: each sits directly in the one before. Any JSON
 * message of that shape has its real routing key there. The rest of the message is not validated: bytes that
 * are no JSON at all (kombu could not consume them either) may be rewritten where a parse would refuse.
 */
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const bytes = (s: string) => Buffer.from(s, 'latin1');
const U_ESCAPE = bytes('\\u');
const KEY_TAIL = bytes('_key"');
const INFO_TAIL = bytes('_info"');
const PROPS_TAIL = bytes('properties"');
const PROPS_OPEN = bytes('"properties": {');
const INFO_OPEN = bytes('"delivery_info": {');
const KEY_OPEN = bytes('"routing_key": "');

/** Index of the only occurrence of `needle`, or -1 when it is absent or there twice. */
function once(s: Buffer, needle: Buffer): number {
  const a = s.indexOf(needle);
  if (a < 0 || s.indexOf(needle, a + needle.length) >= 0) return -1;
  return a;
}

function startsAt(s: Buffer, at: number, prefix: Buffer): boolean {
  return at >= 0 && s.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}

/** The closing quote of the JSON string whose opening quote is at `open`, or -1. */
function stringEnd(s: Buffer, open: number): number {
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** [opening quote, closing quote] of the routing key's value, or null (not plainly kombu's shape). */
export function plainRoutingKeySpan(s: Buffer): [number, number] | null {
  const bs = s.indexOf(BACKSLASH);
  if (bs >= 0 && s.indexOf(U_ESCAPE, bs) >= 0) return null;
  const k = once(s, KEY_TAIL);
  const i = k < 0 ? -1 : once(s, INFO_TAIL);
  const p = i < 0 ? -1 : once(s, PROPS_TAIL);
  if (p < 0 || !(p < i && i < k)) return null;
  const props = p - 1;
  const info = i - 9;
  const key = k - 8;
  if (!startsAt(s, props, PROPS_OPEN) || !startsAt(s, info, INFO_OPEN) || !startsAt(s, key, KEY_OPEN)) return null;
  const after = props + PROPS_OPEN.length;
  if (s.indexOf(0x7b, after) !== info + INFO_OPEN.length - 1) return null; // '{'
  const brace = s.indexOf(0x7b, info + INFO_OPEN.length);
  if (brace >= 0 && brace < key) return null;
  const close = s.indexOf(0x7d, after); // '}'
  if (close >= 0 && close < key) return null;
  const open = key + KEY_OPEN.length - 1;
  const end = bs >= 0 ? stringEnd(s, open) : s.indexOf(QUOTE, open + 1);
  return end < 0 ? null : [open, end];
}
