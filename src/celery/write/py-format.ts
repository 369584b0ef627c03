import { pyJsonString } from '../pyjson.js';
import { parsePyDateTime, pyDateTimeRepr, pyIsoformat } from './py-datetime.js';
import type { PyValue } from './py-value.js';

/** `repr(float)`: shortest round-trip digits, fixed notation for exponents -4..15, else `1e+16` style. */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mant, expText] = Math.abs(n).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  const sign = n < 0 ? '-' : '';
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    return `${sign}${int}.${digits.slice(exp + 1) || '0'}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** `json.dumps(float)`: repr, with Python's names for the non-finite values. */
function jsonFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return pyFloatRepr(n);
}

const dashed = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/**
 * How a kombu version writes a typed value. kombu >= 5.3 (`typed`): `{"__type__", "__value__"}`, which
 * its worker decodes back. Older kombu: UUID and Decimal as `str()`, dates as isoformat with a UTC
 * `+00:00` written `Z`, a date as midnight of that day.
 */
function typedJson(v: Extract<PyValue, { t: 'typed' }>, typed: boolean): string {
  const iso = v.type === 'datetime' ? pyIsoformat(parsePyDateTime(v.value)!) : v.value;
  if (typed) {
    const inner = v.type === 'uuid' ? `{"hex": ${pyJsonString(v.value)}}` : pyJsonString(iso);
    return `{"__type__": ${pyJsonString(v.type)}, "__value__": ${inner}}`;
  }
  if (v.type === 'uuid') return pyJsonString(dashed(v.value));
  if (v.type === 'date') return pyJsonString(`${v.value}T00:00:00`);
  return pyJsonString(v.type === 'datetime' ? iso.replace(/\+00:00$/, 'Z') : iso);
}

/** `kombu.utils.json.dumps`: Python's json.dumps defaults (`", "`, `": "`, ASCII only). */
export function pyDumps(v: PyValue, typed: boolean): string {
  switch (v.t) {
    case 'null':
      return 'null';
    case 'bool':
      return v.v ? 'true' : 'false';
    case 'int':
      return v.digits;
    case 'float':
      return jsonFloat(v.v);
    case 'str':
      return pyJsonString(v.v);
    case 'list':
      return `[${v.items.map((x) => pyDumps(x, typed)).join(', ')}]`;
    case 'dict':
      return `{${v.entries.map(([k, x]) => `${pyJsonString(k)}: ${pyDumps(x, typed)}`).join(', ')}}`;
    case 'typed':
      return typedJson(v, typed);
  }
}

/** `repr()` of a typed value's Python object. */
export function typedRepr(v: Extract<PyValue, { t: 'typed' }>): string {
  if (v.type === 'uuid') return `UUID('${dashed(v.value)}')`;
  if (v.type === 'decimal') return `Decimal('${v.value}')`;
  if (v.type === 'date') return `datetime.date(${v.value.split('-').map(Number).join(', ')})`;
  return pyDateTimeRepr(parsePyDateTime(v.value)!);
}
