import { UsageError } from '../../core/errors.js';
import { pyIsoformat, utcFromMicros } from './py-datetime.js';

/**
 * A task argument as Python holds it after `json.loads`: key order kept (JS objects move integer-like
 * keys first), integers of any size kept as their digits, floats as doubles. `typed` is one of kombu
 * 5.5's typed JSON values (`{"__type__": "uuid", "__value__": {"hex": ...}}`, datetime, date, decimal),
 * which a kombu 5.5 worker turns back into a Python object and older kombu never writes.
 */
export type PyValue =
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; digits: string }
  | { t: 'float'; v: number }
  | { t: 'str'; v: string }
  | { t: 'list'; items: PyValue[] }
  | { t: 'dict'; entries: [string, PyValue][] }
  | { t: 'typed'; type: 'uuid' | 'datetime' | 'date' | 'decimal'; value: string };

const TYPED = new Set(['uuid', 'datetime', 'date', 'decimal']);
const MAX_DEPTH = 200;

/** A dict with unique keys in first-seen order; a repeated key keeps its place and takes the last value. */
function dictOf(pairs: [string, PyValue][]): PyValue {
  const at = new Map<string, number>();
  const entries: [string, PyValue][] = [];
  for (const [k, v] of pairs) {
    const i = at.get(k);
    if (i === undefined) at.set(k, entries.push([k, v]) - 1);
    else entries[i] = [k, v];
  }
  return typedOf(entries) ?? { t: 'dict', entries };
}

/** `{"__type__": T, "__value__": V}` with a type kombu knows becomes a typed value (checked). */
function typedOf(entries: [string, PyValue][]): PyValue | null {
  if (entries.length !== 2) return null;
  const m = new Map(entries);
  const type = m.get('__type__');
  const value = m.get('__value__');
  if (type?.t !== 'str' || !value || !TYPED.has(type.v)) return null;
  if (type.v === 'uuid') {
    const hex = value.t === 'dict' ? new Map(value.entries).get('hex') : value;
    const text = hex?.t === 'str' ? hex.v.replace(/-/g, '').toLowerCase() : '';
    if (!/^[0-9a-f]{32}$/.test(text)) throw new UsageError('a uuid typed value needs {"hex": "<32 hex digits>"}');
    return { t: 'typed', type: 'uuid', value: text };
  }
  if (value.t !== 'str') throw new UsageError(`a ${type.v} typed value needs a string __value__`);
  const patterns: Record<string, RegExp> = {
    datetime: /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{6})?)?([+-]\d\d:\d\d)?$/,
    date: /^\d{4}-\d\d-\d\d$/,
    decimal: /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/,
  };
  if (!patterns[type.v].test(value.v)) throw new UsageError(`'${value.v}' is not a ${type.v} as Python writes it`);
  return { t: 'typed', type: type.v as 'datetime' | 'date' | 'decimal', value: value.v };
}

/**
 * Parses JSON text the way Python's `json.loads` sees it (see PyValue). Throws UsageError naming `what`.
 * @example parsePyJson('[7, {"b": 1, "10": 2}]', '--args')
 */
export function parsePyJson(text: string, what: string): PyValue {
  let i = 0;
  const fail = (why: string): never => {
    throw new UsageError(`${what}: not valid JSON (${why} at character ${i + 1})`);
  };
  const ws = () => {
    while (/[ \t\n\r]/.test(text[i] ?? '')) i++;
  };
  const str = (): string => {
    const m = /^"((?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*)"/.exec(text.slice(i));
    if (!m) return fail('bad string');
    i += m[0].length;
    return JSON.parse(m[0]) as string;
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '"') return { t: 'str', v: str() };
    if (c === '[' || c === '{') {
      i++;
      const items: PyValue[] = [];
      const pairs: [string, PyValue][] = [];
      ws();
      const close = c === '[' ? ']' : '}';
      if (text[i] === close) i++;
      else
        for (;;) {
          if (c === '[') items.push(value(depth + 1));
          else {
            ws();
            if (text[i] !== '"') fail('expected a key');
            const k = str();
            ws();
            if (text[i++] !== ':') fail("expected ':'");
            pairs.push([k, value(depth + 1)]);
          }
          ws();
          const d = text[i++];
          if (d === close) break;
          if (d !== ',') fail(`expected ',' or '${close}'`);
        }
      return c === '[' ? { t: 'list', items } : dictOf(pairs);
    }
    const m = /^(-?(?:0|[1-9]\d*))(\.\d+)?([eE][+-]?\d+)?|^(true|false|null)/.exec(text.slice(i));
    if (!m) return fail('unexpected input');
    i += m[0].length;
    if (m[4]) return m[4] === 'null' ? { t: 'null' } : { t: 'bool', v: m[4] === 'true' };
    if (m[2] || m[3]) return { t: 'float', v: Number(m[0]) };
    return { t: 'int', digits: m[1] === '-0' ? '0' : m[1] };
  };
  const v = value(0);
  ws();
  if (i < text.length) fail('extra text');
  return v;
}

/**
 * A JS value as a task argument: numbers that are whole are Python ints (pass a float through
 * parsePyJson to keep `1.0`), bigints too; objects keep their (JS) key order; kombu typed objects are read.
 */
export function fromJs(v: unknown, depth = 0): PyValue {
  if (depth > MAX_DEPTH) throw new UsageError('task arguments nested too deeply');
  if (v === null || v === undefined) return { t: 'null' };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (typeof v === 'bigint') return { t: 'int', digits: v.toString() };
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) return { t: 'int', digits: String(v || 0) };
    return { t: 'float', v };
  }
  if (typeof v === 'string') return { t: 'str', v };
  if (v instanceof Date) return { t: 'typed', type: 'datetime', value: pyIsoformat(utcFromMicros(v.getTime() * 1000)) };
  if (Array.isArray(v)) return { t: 'list', items: v.map((x) => fromJs(x, depth + 1)) };
  if (typeof v === 'object')
    return dictOf(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJs(x, depth + 1)]));
  throw new UsageError(`a task argument cannot be a ${typeof v}`);
}
