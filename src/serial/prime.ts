import type { Redis } from 'ioredis';
import { DataError } from '../core/errors.js';
import { addDays, dateIn } from '../core/parse.js';
import { startOfDayUtc } from '../core/timezone.js';
import type { Database } from '../db/connect.js';
import type { TicketTable } from '../db/ticket-table.js';
import type { SerialScope } from '../db/tickets.js';
import { notAnInteger } from './counter.js';
import { counterKey } from './format.js';
import { PRIME } from './prime-script.js';
import { highestUsed } from './used.js';

/**
 * How long past the end of its day a primed key lives: more than any clock skew between LoonFlow's
 * hosts and Redis, so a ticket at 23:59:59 by LoonFlow's clock still finds the key.
 */
export const PRIME_MARGIN_S = 3600;
/** Days after today that `serial prime` covers by default: a daily run at any hour keeps tomorrow primed. */
export const PRIME_DEFAULT_DAYS = 2;

export type PrimeAction = 'created' | 'raised' | 'extended' | 'unchanged';

export interface PrimeDay {
  date: string;
  key: string;
  /** What a reseed would set: max(rows, highest sequence) that day; 0 for a day with no tickets yet. */
  target: number;
  /** null when the key was absent. */
  before: number | null;
  after: number;
  /** null when the key was absent; -1 without expiry. */
  ttlBeforeSeconds: number | null;
  /** -1 without expiry (a key loonctl never shortens). */
  ttlSeconds: number;
  /** When the key must still exist (ISO-8601): the end of its day in the time zone, plus the margin. */
  mustLiveUntil: string;
  action: PrimeAction;
}

/** Today and the next `days` days in `tz`. */
export function primeDates(tz: string, days: number, now: Date = new Date()): string[] {
  const today = dateIn(tz, now);
  return Array.from({ length: days + 1 }, (_, i) => addDays(today, i));
}

/** The unix time (s) the key for `date` must live until: the next local midnight in `tz`, plus `marginS`. */
export function primeExpiry(date: string, tz: string, marginS = PRIME_MARGIN_S): number {
  return Math.floor(startOfDayUtc(addDays(date, 1), tz).getTime() / 1000) + marginS;
}

/**
 * Creates the day counters of `dates` ahead of LoonFlow, so its `gen_ticket_sn` always finds the key
 * and INCRs (its only racy path is the absent key, where concurrent plain SETs rewind each other).
 * Each key gets max(rows, highest sequence) and an expiry past the end of its day; an existing counter
 * is raised when behind, never lowered, and its TTL only ever lengthened. One atomic script per key;
 * idempotent. With `dryRun` the same script decides and writes nothing.
 */
export async function primeDays(
  redis: Redis,
  db: Database,
  table: TicketTable,
  dates: string[],
  o: { tz: string; dryRun: boolean; marginS?: number; scope?: SerialScope },
): Promise<PrimeDay[]> {
  const out: PrimeDay[] = [];
  for (const date of dates) {
    const target = await highestUsed(db, table, date, o.scope);
    out.push(await primeOne(redis, date, target, primeExpiry(date, o.tz, o.marginS), o.dryRun));
  }
  return out;
}

type Reply = [PrimeAction, number | string, number, number, number];

async function primeOne(
  redis: Redis,
  date: string,
  target: number,
  mustLiveUntil: number,
  dryRun: boolean,
): Promise<PrimeDay> {
  const key = counterKey(date);
  let reply: Reply;
  try {
    reply = (await PRIME.run(redis, [key], [target, mustLiveUntil, dryRun ? '1' : '0'])) as Reply;
  } catch (e) {
    const m = /NOTINT (.*)/s.exec(String((e as Error)?.message));
    if (m) throw notAnInteger(key, m[1]);
    if (/PASTDAY/.test(String((e as Error)?.message))) {
      throw new DataError(`${key}: the day is over by Redis's clock`, 'check the clocks of this host and Redis');
    }
    throw e;
  }
  const [action, before, after, ttlBefore, ttlAfter] = reply;
  return {
    date,
    key,
    target,
    before: before === 'none' ? null : Number(before),
    after: Number(after),
    ttlBeforeSeconds: ttlBefore === -2 ? null : Number(ttlBefore),
    ttlSeconds: Number(ttlAfter),
    mustLiveUntil: new Date(mustLiveUntil * 1000).toISOString(),
    action,
  };
}
