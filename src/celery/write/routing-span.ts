/** Index of the only occurrence of `needle`, or -1 when it is absent or there twice. */
function once(s: string, needle: string): number {
  const a = s.indexOf(needle);
  if (a < 0 || s.indexOf(needle, a + needle.length) >= 0) return -1;
  return a;
}

/** The closing quote of the JSON string whose opening quote is at `open`, or -1. */
function stringEnd(s: string, open: number): number {
  for (let i = open + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c)
      i++; // backslash
    else if (c === 0x22) return i; // quote
  }
  return -1;
}

/**
 * Where `properties.delivery_info.routing_key`'s string value sits in a message as kombu writes it, found
 * with a few plain searches instead of a parse (the move hot path). Null when the message is not plainly
 * of that shape; the caller then parses it (routing.ts). Plain means: no `\u` escape (so every key is
 * written as itself), the names `properties"`, `_info"` and `_key"` each once and in that order, each
 * opening exactly as `"properties": {`, `"delivery_info": {`, `"routing_key": "`, and between properties'
 * brace and the routing key no brace but delivery_info's: each sits directly in the one before. Any JSON
 * message of that shape has its real routing key there. The rest of the message is not validated: bytes that
 * are no JSON at all (kombu could not consume them either) may be rewritten where a parse would refuse.
 *
 * Returns [opening quote, closing quote] of the value, or null. `s` is the message as latin1 text (one
 * char per byte, so indexes are byte offsets): V8's string searches cost a fraction of Buffer.indexOf's
 * calls into C++.
 */
export function plainRoutingKeySpan(s: string): [number, number] | null {
  const bs = s.indexOf('\\');
  if (bs >= 0 && s.indexOf('\\u', bs) >= 0) return null;
  const k = once(s, '_key"');
  const i = k < 0 ? -1 : once(s, '_info"');
  const p = i < 0 ? -1 : once(s, 'properties"');
  if (p < 0 || !(p < i && i < k)) return null;
  const props = p - 1;
  const info = i - 9;
  const key = k - 8;
  if (!s.startsWith('"properties": {', props) || !s.startsWith('"delivery_info": {', info)) return null;
  if (!s.startsWith('"routing_key": "', key)) return null;
  const after = props + 15; // just past properties' '{'
  if (s.indexOf('{', after) !== info + 17) return null;
  const brace = s.indexOf('{', info + 18);
  if (brace >= 0 && brace < key) return null;
  const close = s.indexOf('}', after);
  if (close >= 0 && close < key) return null;
  const open = key + 15;
  const end = bs >= 0 ? stringEnd(s, open) : s.indexOf('"', open + 1);
  return end < 0 ? null : [open, end];
}
