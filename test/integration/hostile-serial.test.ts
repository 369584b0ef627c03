// Issue 19 items 4 and 5 against real databases: dates at the edge of the calendar and a ticket
// whose serial has a 25-digit sequence neither hang nor end in an internal error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { makeTicketTable } from '../../src/db/ticket-table.js';
import { auditSerials } from '../../src/serial/audit.js';
import { inspectDays } from '../../src/serial/inspect.js';
import { reseedDays } from '../../src/serial/reseed.js';
import { createMysqlDatabase, createPgDatabase } from '../helpers/db.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { createTicketTable, FIXTURE_TZ, type Dialect } from '../helpers/tickets.js';

const HUGE = 'loonflow_202503019999999999999999999999999';
const TICKETS = [
  { sn: 'loonflow_202503010001', created: '2025-03-01 09:00:00' },
  { sn: HUGE, created: '2025-03-01 10:00:00' },
  { sn: 'loonflow_20250301999999999999', created: '2025-03-01 11:00:00' },
  { sn: 'loonflow_99991229000001', created: '9999-12-29 10:00:00' },
];

let redis: TestRedis;
const dbs: Database[] = [];
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.destroy()));
  await redis.release();
});

describe.each<Dialect>(['mysql', 'postgres'])('%s', (dialect) => {
  let db: Database;
  const table = makeTicketTable({ tz: FIXTURE_TZ });
  beforeAll(async () => {
    const url = dialect === 'mysql' ? await createMysqlDatabase() : await createPgDatabase();
    if (dialect === 'mysql') {
      // The fixture's sn column is varchar(25); LoonFlow's is wider in practice.
      await createTicketTable(dialect, url, []);
      const { mysqlQuery } = await import('../helpers/db.js');
      await mysqlQuery(url, 'alter table ticket_ticketrecord modify sn varchar(100) not null');
      for (const t of TICKETS)
        await mysqlQuery(url, 'insert into ticket_ticketrecord (sn, gmt_created) values (?, ?)', [t.sn, t.created]);
    } else {
      await createTicketTable(dialect, url, []);
      const { pgQuery } = await import('../helpers/db.js');
      await pgQuery(url, 'alter table ticket_ticketrecord alter column sn type varchar(100)');
      for (const t of TICKETS)
        await pgQuery(
          url,
          `set time zone '${FIXTURE_TZ}'; insert into ticket_ticketrecord (sn, gmt_created) values ('${t.sn}', '${t.created}')`,
        );
    }
    db = await connectDatabase(url, 5000, FIXTURE_TZ);
    dbs.push(db);
  });

  it('a 25-digit sequence is ignored by show and reseed (no bigint overflow), reported by audit as malformed', async () => {
    await redis.flush();
    const [day] = await inspectDays(redis.client, db, table, ['2025-03-01'], { prefix: 'loonflow' });
    expect(day!.maxSeq).toBe(999_999_999_999);
    const [reseeded] = await reseedDays(redis.client, db, table, ['2025-03-01'], {
      strategy: 'safe',
      allowLower: false,
      dryRun: false,
    });
    expect(reseeded!.after).toBe(999_999_999_999);
    const report = await auditSerials(redis.client, db, table, ['2025-03-01'], { prefix: 'loonflow' });
    expect(report.malformed.map((m) => m.sn)).toEqual([HUGE]);
    const gaps = report.gaps[0]!;
    expect(gaps.missingCount).toBe(999_999_999_999 - 2);
    expect(gaps.missing).toHaveLength(50);
    expect(gaps.missing[0]).toBe(2);
  });

  it('the last supported day, 9999-12-29, is read like any other', async () => {
    await redis.flush();
    const [day] = await inspectDays(redis.client, db, table, ['9999-12-29'], { prefix: 'loonflow' });
    expect(day).toMatchObject({ rows: 1, maxSeq: 1, status: 'missing' });
    const report = await auditSerials(redis.client, db, table, ['9999-12-29'], { prefix: 'loonflow' });
    expect(report.tickets).toBe(1);
  });

  it('a day past it is a usage error before any query, not a loop', async () => {
    await expect(inspectDays(redis.client, db, table, ['9999-12-31'], { prefix: 'loonflow' })).rejects.toMatchObject({
      exitCode: 2,
    });
  });
});
