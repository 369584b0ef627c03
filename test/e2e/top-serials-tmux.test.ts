// `loonctl top`'s Serials tab in a real terminal (tmux) against real databases: LoonFlow 2.x on MariaDB
// (today's counter against the highest serial of the day's rows, tomorrow primed or not, as Redis and the
// database say) and LoonFlow 3.x on PostgreSQL, which has no serials and says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { waitFor } from '../helpers/celery.js';
import { runCli } from '../helpers/cli.js';
import { createMysqlDatabase, createPgDatabase } from '../helpers/db.js';
import { createLoonflow3Schema } from '../helpers/loonflow3.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { createLoonflow2Schema } from '../helpers/tickets.js';
import { HANG_MS, TopTerminal, topScript } from '../helpers/tmux.js';

const dir = mkdtempSync(join(tmpdir(), 'loonctl-top-serials-'));
const term = new TopTerminal('top-serials');
let redis: TestRedis;

/**
 * A time zone where it is now around noon (Etc/GMT-N is UTC+N), so that today and tomorrow cannot change
 * while the test runs; LoonFlow's own is Asia/Shanghai, but loonctl's days follow --tz whatever it is.
 */
const utcHour = new Date().getUTCHours();
const offset = Math.max(-12, Math.min(14, 12 - utcHour));
const TZ = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
const day = (plus: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(Date.now() + plus * 86_400_000));
const TODAY = day(0);
const TOMORROW = day(1);
const compact = (d: string) => d.replace(/-/g, '');

beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  term.killServers();
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});

function runTop(name: string, databaseUrl: string) {
  const args = ['--broker-url', redis.url, '--redis-url', redis.url, '--database-url', databaseUrl, '--tz', TZ];
  onTestFinished(() => term.endSession());
  term.start(topScript(dir, name, [...args, '--interval', '1s']), 120, 30);
}

/** Waits for `n` refreshes: the clock in the title changes with each. */
async function nextTicks(n: number) {
  const clock = () => /(\d\d:\d\d:\d\d)Z$/m.exec(term.screen().split('\n')[0])?.[1];
  for (let i = 0; i < n; i++) {
    const was = clock();
    await waitFor(() => clock() !== was, HANG_MS, 'a refresh');
  }
}

/** The Serials row of a date, split into its columns. */
function serialRow(screen: string, date: string): string[] | undefined {
  const line = screen.split('\n').find((l) => l.slice(2).startsWith(date));
  return line
    ?.slice(2)
    .trim()
    .split(/\s{2,}/);
}

describe('loonctl top: the Serials tab', () => {
  it(
    'LoonFlow 2.x on MariaDB: today behind its rows, then ok; tomorrow not primed, then primed',
    { timeout: 120_000 },
    async () => {
      const db = await createMysqlDatabase();
      const d = compact(TODAY);
      await createLoonflow2Schema(
        db,
        [
          { sn: `loonflow_${d}0001`, created: `${TODAY} 00:00:01` },
          { sn: `loonflow_${d}0002`, created: `${TODAY} 00:00:02`, deleted: true },
          { sn: `loonflow_${d}0007`, created: `${TODAY} 00:00:03` },
          { sn: `loonflow_${compact(day(-1))}0042`, created: `${day(-1)} 23:00:00` },
        ],
        null,
      );
      // LoonFlow's counter says 3 serials were handed out today; the database holds serial 7.
      await redis.client.set(`ticket_day_count_${TODAY}`, '3');
      runTop('lf2', db);
      await term.waitScreen(/ 6 Serials/, 'the Serials tab in the tab bar');
      term.keys('6');
      await term.waitScreen(/^ {2}DATE\s+COUNTER/m);
      let s = await term.waitScreen(new RegExp(`^. ${TODAY} `, 'm'));
      expect(serialRow(s, TODAY)).toEqual([TODAY, '3', '3', '7', `loonflow_${d}0004`, 'behind']);
      expect(serialRow(s, TOMORROW)).toEqual([
        TOMORROW,
        '-',
        '0',
        '0',
        `loonflow_${compact(TOMORROW)}0001`,
        'not primed',
      ]);

      // The operator primes the coming days and fixes today's counter from another terminal.
      const prime = await runCli(['serial', 'prime', '--redis-url', redis.url, '--database-url', db, '--tz', TZ]);
      expect(prime.code, prime.stderr).toBe(0);
      await redis.client.set(`ticket_day_count_${TODAY}`, '7');
      // Refreshes come and go without a query (the database is read every 30 s); r reads it at once.
      await nextTicks(2);
      expect(serialRow(term.screen(), TOMORROW)?.at(-1)).toBe('not primed');
      term.keys('r');
      // The next refresh shows it (the timer's would, 30 s after the last read).
      const primed = () => serialRow(term.screen(), TOMORROW)?.at(-1) === 'primed';
      for (let i = 0; i < 3 && !primed(); i++) await nextTicks(1);
      s = term.screen();
      expect(serialRow(s, TODAY)).toEqual([TODAY, '7', '3', '7', `loonflow_${d}0008`, 'ok']);
      expect(serialRow(s, TOMORROW)).toEqual([TOMORROW, '0', '0', '0', `loonflow_${compact(TOMORROW)}0001`, 'primed']);
      expect(await redis.client.get(`ticket_day_count_${TOMORROW}`)).toBe('0');
      term.keys('q');
      await term.waitScreen('TOP-EXIT=0');
    },
  );

  it(
    'LoonFlow 3.x on PostgreSQL, the line found from the schema: the Serials tab says plainly there are none',
    { timeout: 120_000 },
    async () => {
      await redis.flush();
      const db = await createPgDatabase();
      await createLoonflow3Schema(db);
      runTop('lf3', db);
      await term.waitScreen(/^\[1 Queues\] .* 6 Serials$/m, 'the Serials tab in the tab bar');
      term.keys('6');
      const s = await term.waitScreen(/\[6 Serials\][^]*no ticket serials/);
      const lines = s.split('\n');
      expect(lines[2]).toMatch(/^0 queue\(s\)/); // no error in the status line
      expect(lines[3].trim()).toBe('');
      expect(lines[4]).toBe(
        '  LoonFlow 3.x has no ticket serials (ticket_record in postgres): they exist in LoonFlow 0.x-2.x only',
      );
      expect(s).not.toMatch(/COUNTER|ticket_ticketrecord/);
      expect(await redis.client.exists(`ticket_day_count_${TODAY}`, `ticket_day_count_${TOMORROW}`)).toBe(0);
      term.keys('q');
      await term.waitScreen('TOP-EXIT=0');
    },
  );
});
