/**
 * LoonFlow's ticket serial: `{prefix}_[{zone}_]{YYYYMMDD}{seq}`, seq zero-padded to four digits
 * (Python `%04d`, so five or more digits once past 9999). The day counter lives in Redis under
 * `ticket_day_count_YYYY-MM-DD`, shared by every prefix.
 */
export interface SerialParts {
  prefix: string;
  zone: string | null;
  /** YYYY-MM-DD */
  date: string;
  seq: number;
}

export const DEFAULT_PREFIX = 'loonflow';
/**
 * The longest sequence loonctl accepts as a serial's: 15 digits stay exact in JavaScript numbers and far
 * below Redis's signed 64-bit INCR limit. Longer ones are malformed: never used to seed a counter.
 */
export const MAX_SEQ_DIGITS = 15;
export const MAX_SEQ = 10 ** MAX_SEQ_DIGITS - 1;

/** LoonFlow's expiry for a day counter it creates. */
export const COUNTER_TTL_S = 86400;

export function counterKey(date: string): string {
  return `ticket_day_count_${date}`;
}

export function formatSerial(prefix: string, zone: string | null | undefined, date: string, seq: number): string {
  return `${prefix}_${zone ? `${zone}_` : ''}${date.replace(/-/g, '')}${String(seq).padStart(4, '0')}`;
}

/** Prefixes and zones are joined with `_` into the serial, so they must not be empty or hold blanks. */
export function checkSerialPart(value: string, what: string): string | undefined {
  if (value === '') return `${what} must not be empty`;
  if (/\s/.test(value)) return `${what} '${value}' contains white space`;
  if (!/^[\x21-\x7e]+$/.test(value)) return `${what} '${value}' must be printable ASCII`;
  if (what === 'zone' && value.includes('_')) return `zone '${value}' must not contain '_'`;
  return undefined;
}

const SERIAL = new RegExp(`^(.+)_(\\d{4})(\\d{2})(\\d{2})(\\d{4,${MAX_SEQ_DIGITS}})$`);

/**
 * Splits a serial into its parts; undefined when it is not one. With a known prefix the rest is
 * unambiguous; without it, a `_` in what precedes the date separates prefix and zone.
 */
export function parseSerial(sn: string, knownPrefix?: string): SerialParts | undefined {
  const m = SERIAL.exec(sn);
  if (!m) return undefined;
  const [, head, y, mo, d, seq] = m as unknown as [string, string, string, string, string, string];
  const date = `${y}-${mo}-${d}`;
  const dt = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(dt.getTime()) || dt.toISOString().slice(0, 10) !== date) return undefined;
  if (seq.length > 4 && seq.startsWith('0')) return undefined; // %04d never pads past four digits
  if (seq.length > MAX_SEQ_DIGITS) return undefined;
  let prefix = head;
  let zone: string | null = null;
  if (knownPrefix !== undefined) {
    if (head === knownPrefix) prefix = head;
    else if (head.startsWith(`${knownPrefix}_`) && !head.slice(knownPrefix.length + 1).includes('_')) {
      prefix = knownPrefix;
      zone = head.slice(knownPrefix.length + 1);
    } else return undefined;
  } else {
    const at = head.lastIndexOf('_');
    if (at > 0) {
      prefix = head.slice(0, at);
      zone = head.slice(at + 1);
    }
  }
  if (!prefix || zone === '') return undefined;
  return { prefix, zone, date, seq: Number(seq) };
}
