// The serial commands against a LoonFlow 2.x MariaDB: prefixes from account_apptoken, zones sharing one database.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createMysqlDatabase } from '../helpers/db.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { createLoonflow2Schema, FIXTURE_TZ } from '../helpers/tickets.js';

let redis: TestRedis;
let dbUrl: string;
beforeAll(async () => {
  redis = await claimRedisDb();
  dbUrl = await createMysqlDatabase();
  await createLoonflow2Schema(
    dbUrl,
    [
      { sn: 'loonflow_202601100001', created: '2026-01-10 09:00:00' },
      { sn: 'hr_202601100002', created: '2026-01-10 10:00:00' },
      { sn: 'purchasing_202601100003', created: '2026-01-10 11:00:00' },
      { sn: 'loonflow_202601110001', created: '2026-01-11 00:00:00.2' },
      { sn: 'loonflow_bj_202601100040', created: '2026-01-10 12:00:00' },
    ],
    [
      ['hr', 'hr'],
      ['purchasing', 'purchasing'],
    ],
  );
});
afterAll(async () => {
  await redis.release();
});

async function json(args: string[]) {
  const r = await runCli([...args, '--redis-url', redis.url, '--database-url', dbUrl, '--tz', FIXTURE_TZ, '--json']);
  return { ...r, data: r.stdout ? JSON.parse(r.stdout) : undefined };
}

it("show: every prefix's next serial; --prefix narrows; zone bj is another counter", async () => {
  await redis.flush();
  await redis.client.set('ticket_day_count_2026-01-10', '4');
  const all = await json(['serial', 'show', '--date', '2026-01-10']);
  expect(all.code).toBe(0);
  expect(all.data[0]).toMatchObject({ max_seq: 3, status: 'ok' });
  expect(all.data[0].next_serials).toEqual(['purchasing_202601100005', 'loonflow_202601100005', 'hr_202601100005']);
  const hr = await json(['serial', 'show', '--date', '2026-01-10', '--prefix', 'hr']);
  expect(hr.data[0].next_serials).toEqual(['hr_202601100005']);
  const bj = await json(['serial', 'show', '--date', '2026-01-10', '--zone', 'bj']);
  expect(bj).toMatchObject({ code: 1, data: [{ max_seq: 40, status: 'behind' }] });
});

it('reseed --strategy safe: each zone from its own serials', async () => {
  await redis.flush();
  const mine = await json(['serial', 'reseed', '--date', '2026-01-10', '--dry-run']);
  expect(mine.data.days[0]).toMatchObject({ target: 4 });
  const bj = await json(['serial', 'reseed', '--date', '2026-01-10', '--dry-run', '--zone', 'bj']);
  expect(bj.data.days[0]).toMatchObject({ target: 40 });
});

it('audit: prefixes listed, zone bj overflows sn varchar(25) with purchasing (exit 1)', async () => {
  await redis.flush();
  const mine = await json(['serial', 'audit', '--date', '2026-01-10']);
  expect(mine.data).toMatchObject({ prefixes: ['purchasing', 'loonflow', 'hr'], zone: null, other_zone_tickets: 1 });
  expect(mine.data.overflowing_prefixes).toEqual([]);
  expect(mine.data.midnight).toEqual([]);
  const bj = await json(['serial', 'audit', '--date', '2026-01-10', '--zone', 'bj']);
  expect(bj.code).toBe(1);
  expect(bj.data.overflowing_prefixes).toEqual([{ prefix: 'purchasing', serial_length: 26, column_length: 25 }]);
});

it("next on an absent day starts after this zone's serials, not another zone's", async () => {
  await redis.flush();
  const r = await json(['serial', 'next', '--date', '2026-01-10']);
  expect(r.data.serials).toEqual(['loonflow_202601100005']);
  await redis.flush();
  const bj = await json(['serial', 'next', '--date', '2026-01-10', '--zone', 'bj']);
  expect(bj.data.serials).toEqual(['loonflow_bj_202601100041']);
});
