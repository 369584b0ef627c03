/**
 * Where the members of a JSON object sit in its text, so a field can be changed without touching any
 * other byte. The text is a latin1 view of the bytes (one char per byte). Duplicate keys: the last
 * one wins, as in Python's json. Strings are skipped, not decoded; hostile nesting stops at MAX_DEPTH.
 */
export interface JsonObjectSpan {
  /** Index of `{` and of the matching `}`. */
  open: number;
  close: number;
  members: Map<string, JsonValueSpan>;
}

export interface JsonValueSpan {
  /** The value's text is `text.slice(start, end)`. */
  start: number;
  end: number;
  isString: boolean;
  object?: JsonObjectSpan;
}

const MAX_DEPTH = 256;

function skipWs(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else return i;
  }
}

/**
 * The next backslash at or after the last position asked for, kept across calls of one (synchronous) parse:
 * searching afresh for every string would scan to the end of a message that has none, once per string.
 */
let nextBackslash = -1;

/** `i` is at an opening quote; returns the index after the closing one, or -1. */
function stringEnd(s: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = s.indexOf('"', j);
    if (q === -1) return -1;
    if (nextBackslash !== -1 && nextBackslash < j) nextBackslash = s.indexOf('\\', j);
    if (nextBackslash === -1 || nextBackslash > q) return q + 1;
    j = nextBackslash + 2;
  }
}

function decodeKey(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

function parseValue(s: string, i: number, depth: number): { end: number; object?: JsonObjectSpan } | null {
  const c = s[i];
  if (c === '{') {
    const o = parseObject(s, i, depth + 1);
    return o ? { end: o.close + 1, object: o } : null;
  }
  if (c === '[') return parseArray(s, i, depth + 1);
  if (c === '"') {
    const end = stringEnd(s, i);
    return end === -1 ? null : { end };
  }
  let j = i;
  while (j < s.length && !',}] \t\r\n'.includes(s[j])) j++;
  return j > i ? { end: j } : null;
}

function parseArray(s: string, i: number, depth: number): { end: number } | null {
  if (depth > MAX_DEPTH) return null;
  let j = skipWs(s, i + 1);
  if (s[j] === ']') return { end: j + 1 };
  for (;;) {
    const v = parseValue(s, j, depth);
    if (!v) return null;
    j = skipWs(s, v.end);
    if (s[j] === ',') j = skipWs(s, j + 1);
    else if (s[j] === ']') return { end: j + 1 };
    else return null;
  }
}

function parseObject(s: string, i: number, depth: number): JsonObjectSpan | null {
  if (depth > MAX_DEPTH) return null;
  const members = new Map<string, JsonValueSpan>();
  let j = skipWs(s, i + 1);
  if (s[j] === '}') return { open: i, close: j, members };
  for (;;) {
    if (s[j] !== '"') return null;
    const keyEnd = stringEnd(s, j);
    if (keyEnd === -1) return null;
    const key = decodeKey(s.slice(j + 1, keyEnd - 1));
    j = skipWs(s, keyEnd);
    if (s[j] !== ':') return null;
    j = skipWs(s, j + 1);
    const v = parseValue(s, j, depth);
    if (!v) return null;
    members.delete(key); // a later duplicate wins
    members.set(key, { start: j, end: v.end, isString: s[j] === '"', object: v.object });
    j = skipWs(s, v.end);
    if (s[j] === ',') j = skipWs(s, j + 1);
    else if (s[j] === '}') return { open: i, close: j, members };
    else return null;
  }
}

/** The top-level object of a message, or null when the text is not one JSON object. */
export function parseObjectSpans(text: string): JsonObjectSpan | null {
  nextBackslash = text.indexOf('\\');
  const i = skipWs(text, 0);
  if (text[i] !== '{') return null;
  const o = parseObject(text, i, 1);
  if (!o || skipWs(text, o.close + 1) !== text.length) return null;
  return o;
}

/** The member at `path` (keys of nested objects), or undefined. */
export function memberAt(root: JsonObjectSpan | null, path: string[]): JsonValueSpan | undefined {
  let obj: JsonObjectSpan | undefined = root ?? undefined;
  let v: JsonValueSpan | undefined;
  for (const key of path) {
    v = obj?.members.get(key);
    if (!v) return undefined;
    obj = v.object;
  }
  return v;
}

/** One change to the text: replace `[start, end)` by `insert`. */
export interface Splice {
  start: number;
  end: number;
  insert: string;
}

export function applySplices(text: string, splices: Splice[]): string {
  let out = text;
  for (const sp of [...splices].sort((a, b) => b.start - a.start))
    out = out.slice(0, sp.start) + sp.insert + out.slice(sp.end);
  return out;
}
