import type { Redis } from 'ioredis';
import type { Database } from '../db/connect.js';
import type { TicketTable } from '../db/ticket-table.js';
import { ticketsInRange } from '../db/tickets.js';
import { parseSerial } from './format.js';
import { inspectDays, type DayInspection } from './inspect.js';

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

export interface AuditReport {
  from: string;
  to: string;
  tickets: number;
  duplicates: Duplicate[];
  gaps: DayGaps[];
  malformed: Malformed[];
  behind: DayInspection[];
  /** Duplicates or counters behind: the command exits 1. */
  problems: boolean;
}

/** Duplicate serials, gaps, malformed serials and counters behind, for tickets created in a range. */
export async function auditSerials(
  redis: Redis,
  db: Database,
  table: TicketTable,
  dates: string[],
  serial: { prefix?: string; zone?: string | null },
): Promise<AuditReport> {
  const from = dates[0];
  const to = dates[dates.length - 1];
  const tickets = await ticketsInRange(db, table, from, to);
  const bySn = new Map<string, Duplicate>();
  const seqs = new Map<string, Set<number>>();
  const malformed: Malformed[] = [];
  for (const t of tickets) {
    const parts = t.sn === null ? undefined : parseSerial(t.sn, serial.prefix);
    if (!parts || (serial.zone !== undefined && parts.zone !== (serial.zone || null))) {
      malformed.push({ id: t.id, sn: t.sn });
      continue;
    }
    const d = bySn.get(t.sn!) ?? { sn: t.sn!, ids: [], deleted: [] };
    d.ids.push(t.id);
    d.deleted.push(t.deleted);
    bySn.set(t.sn!, d);
    if (!seqs.has(parts.date)) seqs.set(parts.date, new Set());
    seqs.get(parts.date)!.add(parts.seq);
  }
  const gaps: DayGaps[] = [];
  for (const [date, set] of [...seqs].sort(([a], [b]) => a.localeCompare(b))) {
    if (date < from || date > to) continue;
    let max = 0;
    for (const n of set) if (n > max) max = n;
    // Counted, not walked: a day whose highest sequence is huge must not mean a loop that long.
    const missingCount = max - [...set].filter((n) => n >= 1).length;
    const missing: number[] = [];
    for (let i = 1; i <= max && missing.length < MAX_LISTED_GAPS; i++) if (!set.has(i)) missing.push(i);
    if (missingCount) gaps.push({ date, maxSeq: max, missingCount, missing });
  }
  const duplicates = [...bySn.values()].filter((d) => d.ids.length > 1);
  const days = await inspectDays(redis, db, table, dates, { prefix: serial.prefix ?? 'loonflow', zone: serial.zone });
  const behind = days.filter((d) => d.status === 'behind' || d.status === 'invalid');
  return {
    from,
    to,
    tickets: tickets.length,
    duplicates,
    gaps,
    malformed,
    behind,
    problems: duplicates.length > 0 || behind.length > 0,
  };
}
