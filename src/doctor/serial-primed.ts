import type { Redis } from 'ioredis';
import { UsageError } from '../core/errors.js';
import { addDays, dateIn } from '../core/parse.js';
import { tzOffsetMs } from '../core/timezone.js';
import { readCounters } from '../serial/counter.js';
import { primeExpiry } from '../serial/prime.js';
import { type CheckResult, check } from './check.js';

/** Local time after which an unprimed tomorrow is a warning: leaves time for the 23:55 cron or a person. */
export const PRIMED_BY_DEFAULT = '22:00';

/** `22:00` or `22` -> minutes after midnight; a usage error for anything else. */
export function parseClockTime(text: string): number {
  const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(text.trim());
  const h = m ? Number(m[1]) : Number.NaN;
  const min = m?.[2] === undefined ? 0 : Number(m[2]);
  if (!(h >= 0 && h <= 23 && min >= 0 && min <= 59)) {
    throw new UsageError(`'${text}' is not a time of day`, 'use HH:MM (24-hour), e.g. 22:00');
  }
  return h * 60 + min;
}

function minutesIntoDay(tz: string, now: Date): number {
  const local = new Date(now.getTime() + tzOffsetMs(tz, now.getTime()));
  return local.getUTCHours() * 60 + local.getUTCMinutes();
}

/**
 * Whether tomorrow's day counter already exists and outlives tomorrow (in LoonFlow's time zone).
 * LoonFlow's gen_ticket_sn races only on an absent key; `loonctl serial prime` creates it ahead of time.
 * Before `after` (local HH:MM, default 22:00) an unprimed tomorrow is still fine: the cron has not run.
 */
export async function serialPrimedCheck(
  redis: Redis,
  o: { tz: string; now?: Date; after?: string },
): Promise<CheckResult> {
  const now = o.now ?? new Date();
  const after = o.after ?? PRIMED_BY_DEFAULT;
  const late = minutesIntoDay(o.tz, now) >= parseClockTime(after);
  const tomorrow = addDays(dateIn(o.tz, now), 1);
  const [c] = await readCounters(redis, [tomorrow]);
  const { key, value, raw, ttl } = c;
  const mustLiveUntil = primeExpiry(tomorrow, o.tz, 0);
  const expiresAt = ttl === null || ttl < 0 ? null : Math.floor(Date.now() / 1000) + ttl;
  const lapses = expiresAt !== null && expiresAt < mustLiveUntil;
  const primed = value !== null && !lapses;
  const data = {
    date: tomorrow,
    key,
    counter: value,
    ttl_seconds: ttl,
    must_live_until: new Date(mustLiveUntil * 1000).toISOString(),
    primed,
    warn_after: after,
  };
  const name = 'serial primed';
  if (raw !== null && value === null) {
    return check(name, 'warn', `${key} holds '${raw.slice(0, 40)}', not an integer: LoonFlow's INCR will fail`, data);
  }
  if (primed) return check(name, 'ok', `${key} = ${value}${ttl === -1 ? ', no expiry' : ', lives past the day'}`, data);
  const what = value === null ? 'absent' : `= ${value} but expires before the day ends`;
  if (!late) return check(name, 'ok', `${tomorrow} not primed yet (${key} ${what}); warns after ${after}`, data);
  const fix = "LoonFlow's first tickets tomorrow may repeat serials (run loonctl serial prime; cron 55 23 * * *)";
  return check(name, 'warn', `${key} ${what}: ${fix}`, data);
}
