import type { Redis } from 'ioredis';
import type { Database } from '../db/connect.js';
import type { TicketTable } from '../db/ticket-table.js';
import { dayStats, type SerialScope } from '../db/tickets.js';
import { readCounters } from './counter.js';
import { formatSerial } from './format.js';

export type DayStatus = 'ok' | 'missing' | 'behind' | 'ahead' | 'invalid';

export interface DayInspection {
  date: string;
  key: string;
  counter: number | null;
  /** The stored text when it is not an integer. */
  invalidValue: string | null;
  ttl: number | null;
  rows: number;
  maxSeq: number;
  /** What the next reservation would hand out. */
  nextSerial: string;
  /** The same, for each prefix shown (every prefix in use unless narrowed). */
  nextSerials: string[];
  status: DayStatus;
}

/** With `prefixes`, only serials of those prefixes in the zone (none: the empty zone) count. */
export function scopeOf(serial: { zone?: string | null; prefixes?: string[] }): SerialScope | undefined {
  return serial.prefixes ? { prefixes: serial.prefixes, zone: serial.zone || null } : undefined;
}

/**
 * Day counters against the database: `behind` when the next serial would repeat one in use,
 * `missing` when the next request initialises from the database, `ahead` when numbers were
 * handed out that no ticket uses (a gap, harmless), `invalid` when the key is not an integer.
 * Rows count every ticket; the highest sequence only the scope's serials (see `scopeOf`).
 */
export async function inspectDays(
  redis: Redis,
  db: Database,
  table: TicketTable,
  dates: string[],
  serial: { prefix: string; zone?: string | null; prefixes?: string[]; shown?: string[] },
): Promise<DayInspection[]> {
  const scope = scopeOf(serial);
  const [counters, stats] = await Promise.all([
    readCounters(redis, dates),
    dayStats(db, table, dates[0], dates[dates.length - 1], scope),
  ]);
  return counters.map((c) => {
    const s = stats.get(c.date) ?? { rows: 0, maxSeq: 0 };
    const safe = Math.max(s.rows, s.maxSeq);
    let status: DayStatus;
    if (c.raw !== null && c.value === null) status = 'invalid';
    else if (c.value === null) status = 'missing';
    else if (c.value < s.maxSeq) status = 'behind';
    else if (c.value > safe) status = 'ahead';
    else status = 'ok';
    const next = c.value === null ? safe + 1 : c.value + 1;
    return {
      date: c.date,
      key: c.key,
      counter: c.value,
      invalidValue: status === 'invalid' ? c.raw : null,
      ttl: c.ttl,
      rows: s.rows,
      maxSeq: s.maxSeq,
      nextSerial: formatSerial(serial.prefix, serial.zone, c.date, next),
      nextSerials: (serial.shown ?? serial.prefixes ?? [serial.prefix]).map((p) =>
        formatSerial(p, serial.zone, c.date, next),
      ),
      status,
    };
  });
}
