// `serial audit` against LoonFlow 2.x as it is: several prefixes, zones sharing one database,
// sn varchar(25), and serials made in the first moments after midnight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { makeTicketTable } from '../../src/db/ticket-table.js';
import { auditSerials } from '../../src/serial/audit.js';
import { prefixesInUse } from '../../src/serial/prefixes.js';
import { createMysqlDatabase, createPgDatabase, pgQuery } from '../helpers/db.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import {
  createLoonflow2Schema,
  createPgAppTokens,
  createTicketTable,
  FIXTURE_TZ,
  type App,
  type Ticket,
} from '../helpers/tickets.js';

const APPS: App[] = [
  ['loonflow', 'loonflow'],
  ['hr', 'hr'],
  ['purchasing', 'purchasing'],
];

const QUIRK = 'loonflow_202601130004';
export const AUDIT_TICKETS: Ticket[] = [
  { sn: 'loonflow_202601120001', created: '2026-01-12 09:00:00' },
  { sn: 'hr_202601120002', created: '2026-01-12 10:00:00' },
  { sn: 'loonflow_202601120003', created: '2026-01-12 23:59:59.5' },
  // Day 12's key still answered; the serial's date was taken after midnight.
  { sn: QUIRK, created: '2026-01-13 00:00:00.4' },
  // Day 13's key started from that day's row count (1), so LoonFlow goes on at 2 and reaches 4 again.
  { sn: 'loonflow_202601130002', created: '2026-01-13 09:00:00' },
  { sn: 'hr_202601130003', created: '2026-01-13 10:00:00' },
  { sn: QUIRK, created: '2026-01-13 11:00:00' },
  // The bj deployment shares the database, with its own Redis.
  { sn: 'loonflow_bj_202601130050', created: '2026-01-13 12:00:00' },
];

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

const table = makeTicketTable({ tz: FIXTURE_TZ });
const DAYS = ['2026-01-12', '2026-01-13'];

describe.each(['mysql', 'postgres'] as const)('serial audit of LoonFlow 2.x on %s', (dialect) => {
  let db: Database;
  let prefixes: string[];
  beforeAll(async () => {
    const url = dialect === 'mysql' ? await createMysqlDatabase() : await createPgDatabase();
    if (dialect === 'mysql') await createLoonflow2Schema(url, AUDIT_TICKETS, APPS);
    else {
      await createTicketTable('postgres', url, AUDIT_TICKETS);
      await createPgAppTokens(url, APPS);
    }
    db = await connectDatabase(url, 5000, FIXTURE_TZ);
    prefixes = await prefixesInUse(db);
    await redis.flush();
    await redis.client.set('ticket_day_count_2026-01-12', '4');
    await redis.client.set('ticket_day_count_2026-01-13', '4');
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('a serial made just after midnight with the previous day’s sequence is neither a duplicate nor a gap', async () => {
    const r = await auditSerials(redis.client, db, table, DAYS, { prefixes, zone: null });
    expect(r.midnight).toEqual([
      { id: expect.any(String), sn: QUIRK, created: '2026-01-13 00:00:00', sequenceOf: '2026-01-12' },
    ]);
    expect(r.duplicates).toEqual([]);
    expect(r.gaps).toEqual([]);
    expect(r.malformed).toEqual([]);
    expect(r).toMatchObject({ tickets: 8, otherZoneTickets: 1, overflowingPrefixes: [], problems: false });
  });

  it("another zone's serials are counted apart, not malformed; its long prefix overflows sn varchar(25)", async () => {
    const r = await auditSerials(redis.client, db, table, DAYS, { prefixes, zone: 'bj' });
    expect(r.otherZoneTickets).toBe(7);
    expect(r.malformed).toEqual([]);
    expect(r.overflowingPrefixes).toEqual([{ prefix: 'purchasing', serialLength: 26, columnLength: 25 }]);
    expect(r.problems).toBe(true);
  });

  it('--prefix narrows what is listed; gaps still span every prefix (one counter)', async () => {
    const r = await auditSerials(redis.client, db, table, DAYS, { prefixes, prefix: 'hr', zone: null });
    expect(r).toMatchObject({ prefixes: ['hr'], duplicates: [], gaps: [], midnight: [] });
  });
});

describe('midnight serials in a table of UTC timestamps (--db-timestamps utc)', () => {
  it('judges the creation time in the LoonFlow time zone', async () => {
    const url = await createPgDatabase();
    await createTicketTable('postgres', url, []);
    await pgQuery(url, 'alter table ticket_ticketrecord alter column gmt_created type timestamp without time zone');
    const utc = (local: string) => {
      const at = new Date(`${local.replace(' ', 'T')}+08:00`).toISOString();
      return at.replace('T', ' ').replace('Z', '');
    };
    for (const t of AUDIT_TICKETS) {
      await pgQuery(url, 'insert into ticket_ticketrecord (sn, gmt_created) values ($1, $2)', [t.sn, utc(t.created)]);
    }
    const db = await connectDatabase(url, 5000, FIXTURE_TZ);
    try {
      const utcTable = makeTicketTable({ tz: FIXTURE_TZ, timestamps: 'utc' });
      const r = await auditSerials(redis.client, db, utcTable, DAYS, { prefixes: ['loonflow', 'hr'], zone: null });
      expect(r.midnight.map((m) => [m.sn, m.created])).toEqual([[QUIRK, '2026-01-13 00:00:00']]);
      expect(r.duplicates).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
