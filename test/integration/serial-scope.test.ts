// Serials as LoonFlow 2.x makes them: every application's prefix, zones sharing one database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { makeTicketTable } from '../../src/db/ticket-table.js';
import { inspectDays } from '../../src/serial/inspect.js';
import { prefixesInUse } from '../../src/serial/prefixes.js';
import { primeDays } from '../../src/serial/prime.js';
import { reseedDays } from '../../src/serial/reseed.js';
import { createMysqlDatabase, createPgDatabase } from '../helpers/db.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import {
  createLoonflow2Schema,
  createPgAppTokens,
  createTicketTable,
  FIXTURE_TZ,
  type App,
  type Ticket,
} from '../helpers/tickets.js';

export const APPS: App[] = [
  ['loonflow', 'loonflow'],
  ['hr', 'hr'],
  ['hr-mobile', 'hr'],
  ['purchasing', 'purchasing'],
];

/** Two deployments share the database: the empty zone and zone `bj` (its own Redis, far ahead). */
export const SCOPE_TICKETS: Ticket[] = [
  { sn: 'loonflow_202601100001', created: '2026-01-10 09:00:00' },
  { sn: 'hr_202601100002', created: '2026-01-10 10:00:00' },
  { sn: 'loonflow_202601100003', created: '2026-01-10 11:00:00' },
  { sn: 'loonflow_bj_202601100040', created: '2026-01-10 12:00:00' },
  // 2026-01-11: the highest sequence is another prefix's.
  { sn: 'loonflow_202601110001', created: '2026-01-11 09:00:00' },
  { sn: 'hr_202601110005', created: '2026-01-11 10:00:00' },
  // A day to come (prime refuses days already over).
  { sn: 'loonflow_209901100001', created: '2099-01-10 09:00:00' },
  { sn: 'loonflow_bj_209901100030', created: '2099-01-10 10:00:00' },
];

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

const table = makeTicketTable({ tz: FIXTURE_TZ });
const opts = { strategy: 'safe', allowLower: false, dryRun: true } as const;

describe.each(['mysql', 'postgres'] as const)('prefixes and zones on %s', (dialect) => {
  let db: Database;
  beforeAll(async () => {
    const url = dialect === 'mysql' ? await createMysqlDatabase() : await createPgDatabase();
    if (dialect === 'mysql') await createLoonflow2Schema(url, SCOPE_TICKETS, APPS);
    else {
      await createTicketTable('postgres', url, SCOPE_TICKETS);
      await createPgAppTokens(url, APPS);
    }
    db = await connectDatabase(url, 5000, FIXTURE_TZ);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('reads every prefix in use from account_apptoken, loonflow included, longest first', async () => {
    expect(await prefixesInUse(db)).toEqual(['purchasing', 'loonflow', 'hr']);
  });

  it("another zone's serials do not make this zone's counter behind", async () => {
    await redis.flush();
    await redis.client.set('ticket_day_count_2026-01-10', '4');
    const prefixes = await prefixesInUse(db);
    const [mine] = await inspectDays(redis.client, db, table, ['2026-01-10'], { prefix: 'loonflow', prefixes });
    expect(mine).toMatchObject({ rows: 4, maxSeq: 3, status: 'ok', nextSerial: 'loonflow_202601100005' });
    const serial = { prefix: 'loonflow', zone: 'bj', prefixes };
    const [bj] = await inspectDays(redis.client, db, table, ['2026-01-10'], serial);
    expect(bj).toMatchObject({ maxSeq: 40, status: 'behind', nextSerial: 'loonflow_bj_202601100005' });
  });

  it("the highest sequence covers every prefix's serials", async () => {
    await redis.flush();
    await redis.client.set('ticket_day_count_2026-01-11', '2');
    const prefixes = await prefixesInUse(db);
    const [day] = await inspectDays(redis.client, db, table, ['2026-01-11'], { prefix: 'loonflow', prefixes });
    expect(day).toMatchObject({ rows: 2, maxSeq: 5, status: 'behind' });
  });

  it('reseed --strategy safe sets each zone from its own serials', async () => {
    await redis.flush();
    const prefixes = await prefixesInUse(db);
    const [mine] = await reseedDays(redis.client, db, table, ['2026-01-10'], {
      ...opts,
      scope: { prefixes, zone: null },
    });
    expect(mine).toMatchObject({ target: 4, action: 'created' });
    const [bj] = await reseedDays(redis.client, db, table, ['2026-01-10'], {
      ...opts,
      scope: { prefixes, zone: 'bj' },
    });
    expect(bj).toMatchObject({ target: 40 });
  });

  it('prime sets what a reseed of this zone would set', async () => {
    await redis.flush();
    const prefixes = await prefixesInUse(db);
    const primed = (zone: string | null) =>
      primeDays(redis.client, db, table, ['2099-01-10'], { tz: FIXTURE_TZ, dryRun: true, scope: { prefixes, zone } });
    expect((await primed(null))[0]).toMatchObject({ target: 2 });
    expect((await primed('bj'))[0]).toMatchObject({ target: 30 });
  });
});

describe('a schema without account_apptoken', () => {
  it('has only the loonflow prefix', async () => {
    const url = await createPgDatabase();
    await createTicketTable('postgres', url, []);
    const db = await connectDatabase(url, 5000, FIXTURE_TZ);
    try {
      expect(await prefixesInUse(db)).toEqual(['loonflow']);
    } finally {
      await db.destroy();
    }
  });
});
