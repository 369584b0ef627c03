import { addDays } from '../core/parse.js';
import type { TicketRow } from '../db/tickets.js';
import { parseSerial, type SerialParts } from './format.js';

/**
 * How long after midnight LoonFlow may still hand out the previous day's sequence: its key date and its
 * serial date come from two `datetime.now()` calls, with a database count between them when the key is absent.
 */
export const MIDNIGHT_WINDOW_S = 60;

/** A serial dated D+1 that carries day D's sequence: neither a duplicate nor a gap. */
export interface MidnightSerial {
  id: string;
  sn: string;
  /** Local creation time. */
  created: string;
  /** The day whose counter handed out its sequence. */
  sequenceOf: string;
}

export interface MineTicket {
  id: string;
  sn: string;
  deleted: boolean;
}

export interface Classified {
  /** This zone's tickets created in the range, midnight serials left out. */
  mine: MineTicket[];
  /** Sequences in use per counter day (midnight serials on their counter's day). */
  seqs: Map<string, Set<number>>;
  malformed: { id: string; sn: string | null }[];
  midnight: MidnightSerial[];
  otherZone: number;
  /** Tickets created in the range (the day before `from` is read only to judge midnight serials). */
  inRange: number;
}

/** Splits a serial by the longest known prefix it starts with; an unknown prefix splits at its last `_`. */
function splitSerial(sn: string, prefixes: string[]): SerialParts | undefined {
  for (const p of prefixes) {
    const parts = parseSerial(sn, p);
    if (parts) return parts;
  }
  return parseSerial(sn);
}

/**
 * Sorts tickets (in creation order) into this zone's, other zones', malformed and midnight serials.
 * `zone` undefined: every zone is this one.
 */
export function classifySerials(
  rows: TicketRow[],
  o: { prefixes: string[]; zone: string | null | undefined; from: string },
): Classified {
  const out: Classified = { mine: [], seqs: new Map(), malformed: [], midnight: [], otherZone: 0, inRange: 0 };
  const add = (date: string, seq: number) => {
    if (!out.seqs.has(date)) out.seqs.set(date, new Set());
    out.seqs.get(date)!.add(seq);
  };
  const prefixes = [...o.prefixes].sort((a, b) => b.length - a.length);
  const maxSeqOn = new Map<string, number>();
  const rank = new Map<string, number>();
  for (const t of rows) {
    const createdOn = t.created.slice(0, 10);
    const inRange = createdOn >= o.from;
    if (inRange) out.inRange++;
    const parts = t.sn === null ? undefined : splitSerial(t.sn, prefixes);
    if (!parts) {
      if (inRange) out.malformed.push({ id: t.id, sn: t.sn });
      continue;
    }
    if (o.zone !== undefined && parts.zone !== o.zone) {
      if (inRange) out.otherZone++;
      continue;
    }
    const position = (rank.get(createdOn) ?? 0) + 1;
    rank.set(createdOn, position);
    const dayBefore = addDays(parts.date, -1);
    const quirk =
      parts.date === createdOn &&
      secondsIntoDay(t.created) < MIDNIGHT_WINDOW_S &&
      parts.seq > position &&
      parts.seq > (maxSeqOn.get(dayBefore) ?? 0);
    if (quirk) {
      // It used the day before's counter; and it is one of this day's rows when LoonFlow counts them.
      add(dayBefore, parts.seq);
      add(parts.date, position);
      if (inRange) out.midnight.push({ id: t.id, sn: t.sn!, created: t.created, sequenceOf: dayBefore });
      continue;
    }
    maxSeqOn.set(parts.date, Math.max(maxSeqOn.get(parts.date) ?? 0, parts.seq));
    add(parts.date, parts.seq);
    if (inRange) out.mine.push({ id: t.id, sn: t.sn!, deleted: t.deleted });
  }
  return out;
}

function secondsIntoDay(created: string): number {
  const [h, m, s] = created.slice(11, 19).split(':').map(Number);
  return h * 3600 + m * 60 + s;
}
