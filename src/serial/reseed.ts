import type { Redis } from 'ioredis';
import type { Database } from '../db/connect.js';
import type { TicketTable } from '../db/ticket-table.js';
import { dayStats, type DayStats, type SerialScope } from '../db/tickets.js';
import { DataError } from '../core/errors.js';
import { readCounters, reseedCounter } from './counter.js';
import { counterKey } from './format.js';

export const STRATEGIES = ['safe', 'count', 'max-serial'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/**
 * `invalid`: the counter is not an integer and was left alone (skipInvalid); `replaced`: overwritten
 * (replaceInvalid).
 */
export type ReseedAction = 'created' | 'raised' | 'lowered' | 'unchanged' | 'skipped' | 'invalid' | 'replaced';

export interface ReseedDay {
  date: string;
  key: string;
  target: number;
  before: number | null;
  after: number | null;
  action: ReseedAction;
  /** With --allow-lower: how many serials already handed out may now be handed out again. */
  mayRepeat: number;
  /** The counter's value when it is not an integer. */
  invalidValue?: string;
  /** That day's serials with a sequence too long to be real (malformed, left out of the target). */
  malformedSerials?: number;
}

export interface ReseedOptions {
  strategy: Strategy;
  allowLower: boolean;
  dryRun: boolean;
  /** Report days whose counter is not an integer and reseed the others (default: change nothing, exit 65). */
  skipInvalid?: boolean;
  /** Overwrite a counter that is not an integer with the database's value. */
  replaceInvalid?: boolean;
  /** Only these prefixes' serials in this zone set the highest sequence (default: every serial). */
  scope?: SerialScope;
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
 * Days without tickets and without a counter are left alone. Idempotent. Every day is checked before
 * the first write: a counter that is not an integer stops the whole range, nothing changed, unless
 * `skipInvalid` (reported, left alone) or `replaceInvalid` (overwritten).
 */
export async function reseedDays(
  redis: Redis,
  db: Database,
  table: TicketTable,
  dates: string[],
  o: ReseedOptions,
): Promise<ReseedDay[]> {
  const stats = await dayStats(db, table, dates[0], dates[dates.length - 1], o.scope);
  const current = await readCounters(redis, dates);
  const invalid = current.filter((c) => c.raw !== null && c.value === null);
  if (invalid.length && !o.skipInvalid && !o.replaceInvalid) {
    const list = invalid.map((c) => `${c.key} holds '${c.raw!.slice(0, 40)}'`).join(', ');
    const what = invalid.length === 1 ? `counter ${list}, not an integer` : `counters ${list}, not integers`;
    throw new DataError(
      `${what}; nothing was changed`,
      'inspect with redis-cli GET; --skip-invalid reseeds the other days',
    );
  }
  const out: ReseedDay[] = [];
  for (const c of current) {
    const s = stats.get(c.date) ?? { rows: 0, maxSeq: 0 };
    const target = targetFor(s, o.strategy);
    const base = {
      date: c.date,
      key: counterKey(c.date),
      target,
      ...(s.outOfRange ? { malformedSerials: s.outOfRange } : {}),
    };
    const isInvalid = c.raw !== null && c.value === null;
    if (isInvalid && !o.replaceInvalid) {
      out.push({ ...base, before: null, after: null, action: 'invalid', mayRepeat: 0, invalidValue: c.raw! });
      continue;
    }
    if (c.raw === null && target === 0) {
      out.push({ ...base, before: null, after: null, action: 'skipped', mayRepeat: 0 });
      continue;
    }
    if (o.dryRun) {
      const action: ReseedAction = isInvalid
        ? 'replaced'
        : c.value === null
          ? 'created'
          : target > c.value
            ? 'raised'
            : target < c.value && o.allowLower
              ? 'lowered'
              : 'unchanged';
      const after = action === 'unchanged' ? c.value : target;
      out.push({
        ...base,
        before: c.value,
        after,
        action,
        mayRepeat: action === 'lowered' ? c.value! - target : 0,
        ...(isInvalid ? { invalidValue: c.raw! } : {}),
      });
      continue;
    }
    try {
      const r = await reseedCounter(redis, c.date, target, o.allowLower, o.replaceInvalid);
      out.push({
        ...base,
        before: r.before,
        after: r.after,
        action: r.action,
        mayRepeat: r.action === 'lowered' ? r.before! - r.after : 0,
        ...(isInvalid ? { invalidValue: c.raw! } : {}),
      });
    } catch (e) {
      // Changed to a non-integer since it was read: report it with the days already changed, go on.
      if (!(e instanceof DataError)) throw e;
      out.push({
        ...base,
        before: null,
        after: null,
        action: 'invalid',
        mayRepeat: 0,
        invalidValue: (await redis.get(c.key)) ?? '',
      });
    }
  }
  return out;
}
