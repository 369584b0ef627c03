// LoonFlow 2.x races only when its day key is absent; `serial prime` leaves it none to race on.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/core/parse.js';
import { startOfDayUtc } from '../../src/core/timezone.js';
import { formatSerial } from '../../src/serial/format.js';
import { primeDates } from '../../src/serial/prime.js';
import { runCli } from '../helpers/cli.js';
import { createMysqlDatabase, mysqlQuery } from '../helpers/db.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { createTicketTable, FIXTURE_TZ } from '../helpers/tickets.js';

const RACE = new URL('./serial/loonflow2_race.py', import.meta.url).pathname;
const PROCESSES = 8;
const PER_PROCESS = 3;
const HOUR_MS = 3_600_000;

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

async function freshTickets(): Promise<string> {
  const url = await createMysqlDatabase();
  await createTicketTable('mysql', url, []);
  return url;
}

/** 8 LoonFlow processes meet each date's key at one barrier and create 3 tickets each. */
function loonflow(dbUrl: string, dates: string[]): Promise<Record<string, string[]>> {
  return new Promise((resolve, reject) => {
    const args = [RACE, redis.url, dbUrl, String(PROCESSES), String(PER_PROCESS), ...dates];
    const child = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`python: ${err}`))));
  });
}

function repeated(serials: string[]): string[] {
  return serials.filter((s, i) => serials.indexOf(s) !== i);
}

async function prime(dbUrl: string, given: string[] = []) {
  const extra = given.includes('-o') ? given : [...given, '--json'];
  const args = ['serial', 'prime', '--tz', FIXTURE_TZ, '--redis-url', redis.url, '--database-url', dbUrl];
  const r = await runCli([...args, ...extra]);
  return { ...r, data: r.stdout && extra.includes('--json') ? JSON.parse(r.stdout) : undefined };
}

const key = (date: string) => `ticket_day_count_${date}`;
const endOfDayMs = (date: string) => startOfDayUtc(addDays(date, 1), FIXTURE_TZ).getTime();

/** Every key with its value and absolute expiry (ms; -1 none): what a dry run must leave as it was. */
async function snapshot(): Promise<Record<string, [string | null, number]>> {
  const out: Record<string, [string | null, number]> = {};
  for (const k of (await redis.client.keys('*')).sort()) {
    out[k] = [await redis.client.get(k), Number(await redis.client.call('PEXPIRETIME', k))];
  }
  return out;
}

/**
 * A test whose expectations hold for one local day: run again, once, when midnight in the fixture's zone
 * passed while it ran (its dates, and the CLI's, would then be a day apart: Shanghai's midnight is 16:00 UTC).
 */
function daily(name: string, body: (dates: string[]) => Promise<void>): void {
  it(name, async () => {
    const dates = primeDates(FIXTURE_TZ, 3);
    try {
      await body(dates);
    } catch (e) {
      if (primeDates(FIXTURE_TZ, 3)[0] === dates[0]) throw e;
      await body(primeDates(FIXTURE_TZ, 3));
    }
  });
}

describe('serial prime against LoonFlow 2.x gen_ticket_sn (Python, redis-py + PyMySQL, MariaDB)', () => {
  daily('unprimed: 8 processes meeting an absent key repeat serials (the race exists)', async (dates) => {
    await redis.flush();
    const got = await loonflow(await freshTickets(), dates);
    const repeats = dates.flatMap((d) => repeated(got[d]!));
    expect(repeats.length).toBeGreaterThan(0);
  });

  daily('primed: the same run repeats none, every day numbered 1..24 exactly', async (dates) => {
    await redis.flush();
    const dbUrl = await freshTickets();
    const r = await prime(dbUrl, ['--days', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(
      r.data.days.map((d: { date: string; action: string; after: number }) => [d.date, d.action, d.after]),
    ).toEqual(dates.map((d) => [d, 'created', 0]));
    const got = await loonflow(dbUrl, dates);
    const all = Array.from({ length: PROCESSES * PER_PROCESS }, (_, i) => i + 1);
    for (const d of dates) expect([...got[d]!].sort()).toEqual(all.map((n) => formatSerial('loonflow', null, d, n)));
  });

  daily(
    "a primed key lives past the end of its day in Asia/Shanghai (LoonFlow's INCR never extends it)",
    async (dates) => {
      await redis.flush();
      const r = await prime(await freshTickets());
      expect(r.code, r.stderr).toBe(0);
      expect(r.data.days.map((d: { date: string }) => d.date)).toEqual(dates.slice(0, 3)); // today and the 2 days after
      for (const d of dates.slice(0, 3)) {
        const expiresAt = Number(await redis.client.call('PEXPIRETIME', key(d)));
        expect(expiresAt).toBeGreaterThanOrEqual(endOfDayMs(d) + HOUR_MS);
        await redis.client.incr(key(d)); // LoonFlow's first ticket of the day
        expect(Number(await redis.client.call('PEXPIRETIME', key(d)))).toBe(expiresAt);
      }
    },
  );

  daily('raises a counter behind the database, extends a short TTL, never lowers or shortens', async (dates) => {
    await redis.flush();
    const dbUrl = await freshTickets();
    const [today, tomorrow, after, third] = dates as [string, string, string, string];
    const insert = 'insert into ticket_ticketrecord (sn, gmt_created) values (?, ?)';
    await mysqlQuery(dbUrl, insert, [formatSerial('loonflow', null, today, 3), `${today} 00:00:01`]);
    await mysqlQuery(dbUrl, insert, [formatSerial('loonflow', null, tomorrow, 12), `${tomorrow} 00:00:01`]);
    await mysqlQuery(dbUrl, insert, [formatSerial('loonflow', null, third, 7), `${third} 00:00:01`]);
    await redis.client.set(key(today), '40', 'EX', 10 * 86400);
    await redis.client.set(key(tomorrow), '5', 'EX', 3600);
    await redis.client.set(key(after), '9');
    const todayExpiry = Number(await redis.client.call('PEXPIRETIME', key(today)));
    const r = await prime(dbUrl, ['--days', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.days).toMatchObject([
      { date: today, target: 3, before: 40, after: 40, action: 'unchanged' },
      { date: tomorrow, target: 12, before: 5, after: 12, action: 'raised' },
      { date: after, target: 0, before: 9, after: 9, action: 'unchanged', ttl_seconds: -1 },
      { date: third, target: 7, before: null, after: 7, action: 'created', ttl_before_seconds: null },
    ]);
    expect(r.data.days[1].ttl_before_seconds).toBeLessThanOrEqual(3600);
    expect(r.data.days[1].ttl_seconds * 1000).toBeGreaterThan(endOfDayMs(tomorrow) - Date.now());
    expect(await redis.client.get(key(today))).toBe('40');
    expect(Number(await redis.client.call('PEXPIRETIME', key(today)))).toBe(todayExpiry);
    expect(await redis.client.get(key(tomorrow))).toBe('12');
    expect(Number(await redis.client.call('PEXPIRETIME', key(tomorrow)))).toBeGreaterThanOrEqual(endOfDayMs(tomorrow));
    expect(await redis.client.ttl(key(after))).toBe(-1);
    await redis.client.set(key(after), '9', 'EX', 60);
    const again = await prime(dbUrl, ['--days', '3']);
    expect(again.data.days.map((d: { action: string }) => d.action)).toEqual([
      'unchanged',
      'unchanged',
      'extended',
      'unchanged',
    ]);
    expect(await redis.client.get(key(after))).toBe('9');
  });

  daily('is idempotent: a second run changes nothing, expiry included', async (_dates) => {
    await redis.flush();
    const dbUrl = await freshTickets();
    expect((await prime(dbUrl)).code).toBe(0);
    const first = await snapshot();
    const r = await prime(dbUrl);
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.days.every((d: { action: string }) => d.action === 'unchanged')).toBe(true);
    expect(await snapshot()).toEqual(first);
    const human = await prime(dbUrl, ['-o', 'table']);
    expect(human.stdout).toMatch(/DATE.*BEFORE.*AFTER.*TTL.*ACTION/);
    expect(human.stdout.match(/unchanged/g)).toHaveLength(3);
  });

  daily('--dry-run reports what it would do and changes nothing', async (dates) => {
    await redis.flush();
    const dbUrl = await freshTickets();
    const [, tomorrow] = dates as [string, string];
    await redis.client.set(key(tomorrow), '2', 'EX', 60);
    const before = await snapshot();
    const r = await prime(dbUrl, ['--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.dry_run).toBe(true);
    expect(r.data.days.map((d: { action: string }) => d.action)).toEqual(['created', 'extended', 'created']);
    expect(await snapshot()).toEqual(before);
  });

  daily('a counter that is not an integer is reported (exit 65) and left alone', async (dates) => {
    await redis.flush();
    const [, tomorrow] = dates as [string, string];
    await redis.client.set(key(tomorrow), 'oops');
    const r = await prime(await freshTickets());
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/not an integer/);
    expect(await redis.client.get(key(tomorrow))).toBe('oops');
  });
});
