/** The wall-clock fields (year, month, day, hour, minute, second) of an instant in a time zone, as text. */
export function wallClock(
  tz: string,
  at: number,
): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Offset of a time zone from UTC at an instant, in milliseconds (east positive). */
export function tzOffsetMs(tz: string, at: number): number {
  const w = wallClock(tz, at);
  const get = (k: keyof typeof w) => Number(w[k]);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/** The UTC instant at which local date `date` (YYYY-MM-DD) begins in `tz`. */
export function startOfDayUtc(date: string, tz: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`);
  let t = guess - tzOffsetMs(tz, guess);
  t = guess - tzOffsetMs(tz, t); // again at the found instant, for a DST change near midnight
  return new Date(t);
}
