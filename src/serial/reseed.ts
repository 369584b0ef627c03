import type { Redis } from 'ioredis';
import type { Database } from '../db/connect.js';
import type { TicketTable } from '../db/ticket-table.js';
import { dayStats, type DayStats } from '../db/tickets.js';
import { notAnInteger, readCounters, reseedCounter } from './counter.js';
import { counterKey } from './format.js';

export const STRATEGIES = ['safe', 'count', 'max-serial'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export type ReseedAction = 'created' | 'raised' | 'lowered' | 'unchanged' | 'skipped';

export interface ReseedDay {
  date: string;
  key: string;
  target: number;
  before: number | null;
  after: number | null;
  action: ReseedAction;
  /** With --allow-lower: how many serials already handed out may now be handed out again. */
  mayRepeat: number;
}

/** The counter value a day should have: the highest number already used, by the chosen measure. */
export function targetFor(stats: DayStats, strategy: Strategy): number {
  if (strategy === 'count') return stats.rows;
  if (strategy === 'max-serial') return stats.maxSeq;
  return Math.max(stats.rows, stats.maxSeq);
}

/**
 * Sets day counters from the database. Never lowers unless `allowLower`; every write is one
 * script that compares with the value at that moment, so concurrent reservations are never rewound.
 * Days without tickets and without a counter are left alone. Idempotent.
 */
export async function reseedDays(
  redis: Redis,
  db: Database,
  table: TicketTable,
  dates: string[],
  o: { strategy: Strategy; allowLower: boolean; dryRun: boolean },
): Promise<ReseedDay[]> {
  const stats = await dayStats(db, table, dates[0]!, dates[dates.length - 1]!);
  const current = await readCounters(redis, dates);
  const out: ReseedDay[] = [];
  for (const c of current) {
    const target = targetFor(stats.get(c.date) ?? { rows: 0, maxSeq: 0 }, o.strategy);
    const base = { date: c.date, key: counterKey(c.date), target };
    if (c.raw !== null && c.value === null) throw notAnInteger(c.key, c.raw); // reported, never overwritten
    if (c.value === null && target === 0) {
      out.push({ ...base, before: null, after: null, action: 'skipped', mayRepeat: 0 });
      continue;
    }
    if (o.dryRun) {
      const action: ReseedAction =
        c.value === null ? 'created' : target > c.value ? 'raised' : target < c.value && o.allowLower ? 'lowered' : 'unchanged';
      const after = action === 'unchanged' ? c.value : target;
      out.push({ ...base, before: c.value, after, action, mayRepeat: action === 'lowered' ? c.value! - target : 0 });
      continue;
    }
    const r = await reseedCounter(redis, c.date, target, o.allowLower);
    out.push({ ...base, before: r.before, after: r.after, action: r.action, mayRepeat: r.action === 'lowered' ? r.before! - r.after : 0 });
  }
  return out;
}
