/** Python's `datetime` as kombu and Celery write it: `isoformat()` and `repr()`. */
export interface PyDateTime {
  /** year, month, day, hour, minute, second, microsecond */
  parts: [number, number, number, number, number, number, number];
  /** UTC offset in minutes; null for a naive datetime. */
  offsetMin: number | null;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Reads `YYYY-MM-DD[THH:MM[:SS[.ffffff]]][+HH:MM|Z]` (what `datetime.isoformat` writes). */
export function parsePyDateTime(text: string): PyDateTime | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,6}))?)?)?(Z|[+-]\d\d:\d\d)?$/.exec(text);
  if (!m) return null;
  const us = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  const n = (s: string | undefined) => (s ? Number(s) : 0);
  let offsetMin: number | null = null;
  if (m[8] === 'Z') offsetMin = 0;
  else if (m[8]) offsetMin = (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4)));
  return { parts: [n(m[1]), n(m[2]), n(m[3]), n(m[4]), n(m[5]), n(m[6]), us], offsetMin };
}

/** An instant, in microseconds since the epoch, as an aware UTC datetime (Celery's `now + timedelta`). */
export function utcFromMicros(micros: number): PyDateTime {
  const us = ((micros % 1_000_000) + 1_000_000) % 1_000_000;
  const at = new Date((micros - us) / 1000);
  const parts = [at.getUTCFullYear(), at.getUTCMonth() + 1, at.getUTCDate(), at.getUTCHours(), at.getUTCMinutes()];
  return { parts: [parts[0], parts[1], parts[2], parts[3], parts[4], at.getUTCSeconds(), us], offsetMin: 0 };
}

/** `datetime.isoformat()`: the fraction only when microseconds are not 0, the offset only when aware. */
export function pyIsoformat(d: PyDateTime): string {
  const [y, mo, da, h, mi, s, us] = d.parts;
  let out = `${pad(y, 4)}-${pad(mo)}-${pad(da)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
  if (us) out += `.${pad(us, 6)}`;
  if (d.offsetMin !== null) {
    const a = Math.abs(d.offsetMin);
    out += `${d.offsetMin < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
  }
  return out;
}

/** `repr(datetime)`: microsecond, then second, dropped while 0; the tzinfo as Python names it. */
export function pyDateTimeRepr(d: PyDateTime): string {
  const parts: number[] = [...d.parts];
  if (parts[parts.length - 1] === 0) parts.pop();
  if (parts[parts.length - 1] === 0) parts.pop();
  let tz = '';
  if (d.offsetMin === 0) tz = ', tzinfo=datetime.timezone.utc';
  else if (d.offsetMin !== null) {
    const secs = d.offsetMin * 60;
    const days = Math.floor(secs / 86_400);
    const td = days ? `days=${days}, seconds=${secs - days * 86_400}` : `seconds=${secs}`;
    tz = `, tzinfo=datetime.timezone(datetime.timedelta(${td}))`;
  }
  return `datetime.datetime(${parts.join(', ')}${tz})`;
}
