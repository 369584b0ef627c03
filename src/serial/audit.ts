import type { Redis } from 'ioredis';
import { addDays } from '../core/parse.js';
import type { Database } from '../db/connect.js';
import type { TicketTable } from '../db/ticket-table.js';
import { serialColumnLength, ticketsInRange } from '../db/tickets.js';
import { DEFAULT_PREFIX, formatSerial } from './format.js';
import { inspectDays, type DayInspection } from './inspect.js';
import { classifySerials, type MidnightSerial } from './audit-classify.js';

export type { MidnightSerial } from './audit-classify.js';

export interface Duplicate {
  sn: string;
  ids: string[];
  /** Per id: whether that ticket is soft-deleted. */
  deleted: boolean[];
}

const MAX_LISTED_GAPS = 50;

export interface DayGaps {
  date: string;
  maxSeq: number;
  missingCount: number;
  /** The first missing sequence numbers (at most 50). */
  missing: number[];
}

export interface Malformed {
  id: string;
  sn: string | null;
}

/** A prefix whose serials (in this zone) are longer than the serial column: LoonFlow's insert fails. */
export interface OverflowingPrefix {
  prefix: string;
  serialLength: number;
  columnLength: number;
}

export interface AuditReport {
  from: string;
  to: string;
  /** The prefixes whose serials were audited, and the zone (null: serials without a zone). */
  prefixes: string[];
  zone: string | null;
  tickets: number;
  /** Tickets of the range whose serials belong to another zone: another counter's, not audited. */
  otherZoneTickets: number;
  duplicates: Duplicate[];
  gaps: DayGaps[];
  malformed: Malformed[];
  /** Serials dated the day after the sequence's day, made in the first seconds after midnight. */
  midnight: MidnightSerial[];
  overflowingPrefixes: OverflowingPrefix[];
  behind: DayInspection[];
  /** Duplicates, counters behind or a prefix that overflows the column: the command exits 1. */
  problems: boolean;
}

export interface AuditScope {
  /** Every prefix in use (from account_apptoken); without it, `prefix` alone, in any zone. */
  prefixes?: string[];
  /** With `prefixes`: list only this prefix's serials (gaps still span every prefix: one counter). */
  prefix?: string;
  zone?: string | null;
}

/** Duplicate serials, gaps, malformed serials and counters behind, for tickets created in a range. */
export async function auditSerials(
  redis: Redis,
  db: Database,
  table: TicketTable,
  dates: string[],
  serial: AuditScope,
): Promise<AuditReport> {
  const from = dates[0];
  const to = dates[dates.length - 1];
  const prefixes = serial.prefixes ?? [serial.prefix ?? DEFAULT_PREFIX];
  const only = serial.prefixes && serial.prefix !== undefined ? serial.prefix : undefined;
  const zone = serial.zone === undefined ? undefined : serial.zone || null;
  // The day before too: a serial made just after midnight is judged against that day's sequences.
  const rows = await ticketsInRange(db, table, addDays(from, -1), to);
  const c = classifySerials(rows, { prefixes, zone, from });
  const listed = <T extends { sn: string | null }>(items: T[]) =>
    only === undefined ? items : items.filter((i) => i.sn !== null && i.sn.startsWith(`${only}_`));
  const bySn = new Map<string, Duplicate>();
  for (const t of c.mine) {
    const d = bySn.get(t.sn) ?? { sn: t.sn, ids: [], deleted: [] };
    d.ids.push(t.id);
    d.deleted.push(t.deleted);
    bySn.set(t.sn, d);
  }
  const gaps: DayGaps[] = [];
  for (const [date, set] of [...c.seqs].sort(([a], [b]) => a.localeCompare(b))) {
    if (date < from || date > to) continue;
    let max = 0;
    for (const n of set) if (n > max) max = n;
    // Counted, not walked: a day whose highest sequence is huge must not mean a loop that long.
    const missingCount = max - [...set].filter((n) => n >= 1).length;
    const missing: number[] = [];
    for (let i = 1; i <= max && missing.length < MAX_LISTED_GAPS; i++) if (!set.has(i)) missing.push(i);
    if (missingCount) gaps.push({ date, maxSeq: max, missingCount, missing });
  }
  const duplicates = listed([...bySn.values()].filter((d) => d.ids.length > 1));
  const overflowingPrefixes = await overflowing(db, table, only === undefined ? prefixes : [only], zone ?? null);
  const inspectScope = serial.prefixes ? { prefixes, zone } : { zone };
  const days = await inspectDays(redis, db, table, dates, { prefix: only ?? prefixes[0], ...inspectScope });
  const behind = days.filter((d) => d.status === 'behind' || d.status === 'invalid');
  return {
    from,
    to,
    prefixes: only === undefined ? prefixes : [only],
    zone: zone ?? null,
    tickets: c.inRange,
    otherZoneTickets: c.otherZone,
    duplicates,
    gaps,
    malformed: listed(c.malformed),
    midnight: listed(c.midnight),
    overflowingPrefixes,
    behind,
    problems: duplicates.length > 0 || behind.length > 0 || overflowingPrefixes.length > 0,
  };
}

/** Prefixes whose shortest serial (`%04d` sequence) is longer than the serial column. */
async function overflowing(
  db: Database,
  table: TicketTable,
  prefixes: string[],
  zone: string | null,
): Promise<OverflowingPrefix[]> {
  const columnLength = await serialColumnLength(db, table);
  if (columnLength === null) return [];
  return prefixes
    .map((prefix) => ({ prefix, serialLength: formatSerial(prefix, zone, '2000-01-01', 1).length, columnLength }))
    .filter((p) => p.serialLength > columnLength);
}
