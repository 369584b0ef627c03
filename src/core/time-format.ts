import { wallClock } from './timezone.js';

/**
 * Durations and times as people read them in tables. JSON output never uses these: it keeps
 * ISO-8601 strings and plain numbers with the unit in the key name.
 */

const UNITS: [string, number][] = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/**
 * Seconds as the two largest units: `23h59m`, `5m30s`, `45s`, `2d3h`; under 10 s with one decimal.
 * @example formatDuration(330) // '5m30s'
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const sign = seconds < 0 ? '-' : '';
  const abs = Math.abs(seconds);
  if (abs < 10) return `${sign}${Number(abs.toFixed(1))}s`;
  let rest = Math.round(abs);
  const counts = UNITS.map(([unit, size]) => {
    const n = Math.floor(rest / size);
    rest -= n * size;
    return [unit, n] as const;
  });
  const first = counts.findIndex(([, n]) => n > 0);
  const shown = counts.slice(first, first + 2).filter(([, n]) => n > 0);
  return sign + shown.map(([unit, n]) => `${n}${unit}`).join('');
}

/** An instant relative to now: `in 58m`, `12m ago`, `now`. */
export function formatRelative(atMs: number, nowMs: number): string {
  const diff = (atMs - nowMs) / 1000;
  if (Math.abs(diff) < 1) return 'now';
  return diff > 0 ? `in ${formatDuration(diff)}` : `${formatDuration(-diff)} ago`;
}

/** An instant as local wall-clock time in `tz`, to the second: `2026-11-24 14:03:07`. */
export function formatLocal(atMs: number, tz: string): string {
  const w = wallClock(tz, atMs);
  return `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}:${w.second}`;
}

/** Parses an ISO time from message data; null when absent or not a time. */
export function parseInstant(iso: unknown): number | null {
  if (typeof iso !== 'string' || iso === '') return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}
