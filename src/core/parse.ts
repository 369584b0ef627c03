import { UsageError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The longest delay a Node timer takes: anything longer fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** A ceiling for durations that never reach a timer (a lock TTL kept by Redis alone): one year. */
export const MAX_DURATION_MS = 366 * 86_400_000;

/** `24d20h31m23.647s` style text for a bound in an error message. */
function formatMs(ms: number): string {
  const d = Math.floor(ms / 86_400_000);
  const h = Math.floor((ms % 86_400_000) / 3_600_000);
  return d ? `${d}d${h ? `${h}h` : ''}` : `${Math.floor(ms / 1000)}s`;
}

/**
 * Parses `500ms`, `30s`, `5m`, `1h30m`, `2d`, or a bare number of seconds, into milliseconds.
 * Refuses anything over `maxMs` (default: what a Node timer can wait, about 24.8 days).
 * @example parseDuration('1m30s', '--ttl') // 90000
 */
export function parseDuration(text: string, what: string, maxMs: number = MAX_TIMER_MS): number {
  const ms = parseDurationText(text, what);
  if (!(ms <= maxMs)) throw new UsageError(`${what}: '${text}' is too long`, `at most ${formatMs(maxMs)}`);
  return ms;
}

function parseDurationText(text: string, what: string): number {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  if (pos === 0 || pos !== s.length) {
    throw new UsageError(`${what}: '${text}' is not a duration`, 'use e.g. 500ms, 30s, 5m, 1h30m, 2d');
  }
  return Math.round(total);
}

/** A whole number within bounds, for --count, --limit and friends. */
export function parseIntOption(text: string, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${what}: '${text}' is not a whole number`);
  const n = Number(text);
  if (n < min || n > max) {
    throw new UsageError(
      `${what}: ${n} is out of range`,
      max === Number.MAX_SAFE_INTEGER ? `must be >= ${min}` : `must be ${min}..${max}`,
    );
  }
  return n;
}

/** Throws unless `tz` is an IANA time zone this Node knows. */
export function checkTimeZone(tz: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    throw new UsageError(`unknown time zone '${tz}'`, 'use an IANA name such as Asia/Shanghai or UTC');
  }
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function dateIn(tz: string, at: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * The calendar dates loonctl works with. The queries reach one day before and two days after the
 * dates asked for, and every database here stores years 1970..9999 (MySQL DATETIME stops at 9999),
 * so later dates would leave YYYY-MM-DD (`+010000-01-01`) and earlier ones break PostgreSQL.
 */
export const MIN_DATE = '1970-01-01';
export const MAX_DATE = '9999-12-29';

/** Adds whole days to a YYYY-MM-DD date (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  const out = Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
  // Years past 9999 print as +010000-01: such a string sorts before 9999 and a date loop never ends.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(out)) {
    const why = `date ${date} + ${days} days is outside the calendar loonctl handles`;
    throw new UsageError(why, `use dates from ${MIN_DATE} to ${MAX_DATE}`);
  }
  return out;
}

/** Days from `a` to `b` (b - a), both YYYY-MM-DD. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * Parses a calendar date given by the operator: `YYYY-MM-DD`, `today` or `yesterday` (in `tz`).
 * Rejects dates that do not exist (2025-02-30).
 */
export function parseDate(text: string, tz: string, what = '--date'): string {
  const s = text.trim().toLowerCase();
  if (s === 'today') return dateIn(tz);
  if (s === 'yesterday') return addDays(dateIn(tz), -1);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new UsageError(`${what}: '${text}' is not a date`, 'use YYYY-MM-DD, today or yesterday');
  const d = new Date(`${s}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) {
    throw new UsageError(`${what}: ${text} does not exist`);
  }
  if (s < MIN_DATE || s > MAX_DATE) {
    throw new UsageError(`${what}: ${text} is out of range`, `use dates from ${MIN_DATE} to ${MAX_DATE}`);
  }
  return s;
}

/** Inclusive list of dates from `from` to `to`; refuses backwards ranges and ranges over `maxDays`. */
export function dateRange(from: string, to: string, maxDays = 366): string[] {
  const n = daysBetween(from, to);
  if (n < 0) throw new UsageError(`date range runs backwards (${from} > ${to})`, 'put the earlier date in --from');
  if (n + 1 > maxDays) throw new UsageError(`date range of ${n + 1} days is longer than ${maxDays}`);
  const out: string[] = [];
  for (let i = 0; i <= n; i++) out.push(addDays(from, i));
  return out;
}
