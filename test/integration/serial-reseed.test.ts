import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.js';
import { makeTicketTable } from '../../src/db/ticket-table.js';
import { parseSerial } from '../../src/serial/format.js';
import { reseedDays } from '../../src/serial/reseed.js';
import { createMysqlDatabase, createPgDatabase, mysqlQuery, pgQuery } from '../helpers/db.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { createTicketTable, FIXTURE_TZ, type Dialect } from '../helpers/tickets.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

const HOSTILE = `loonflow_20250301${'1'.repeat(25)}`;
const SIXTEEN = `loonflow_20250301${'9'.repeat(16)}`;
const table = makeTicketTable({ tz: FIXTURE_TZ });

describe.each<Dialect>(['postgres', 'mysql'])('serial reseed on %s', (dialect) => {
  let db: Database;
  beforeAll(async () => {
    const url = dialect === 'postgres' ? await createPgDatabase() : await createMysqlDatabase();
    await createTicketTable(dialect, url, []);
    const rows: [string, string][] = [
      ['loonflow_202503010007', '2025-03-01 10:00:00'],
      [HOSTILE, '2025-03-01 11:00:00'],
      [SIXTEEN, '2025-03-01 12:00:00'],
      ['loonflow_202503030005', '2025-03-03 10:00:00'],
    ];
    if (dialect === 'postgres') {
      await pgQuery(url, 'alter table ticket_ticketrecord alter column sn type varchar(100)');
      for (const [sn, at] of rows)
        await pgQuery(
          url,
          `set time zone '${FIXTURE_TZ}'; insert into ticket_ticketrecord (sn, gmt_created) values ('${sn}', '${at}')`,
        );
    } else {
      await mysqlQuery(url, 'alter table ticket_ticketrecord modify sn varchar(100) not null');
      for (const [sn, at] of rows)
        await mysqlQuery(url, 'insert into ticket_ticketrecord (sn, gmt_created) values (?, ?)', [sn, at]);
    }
    db = await connectDatabase(url, 5000, FIXTURE_TZ);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('a sequence too long to be real is malformed: never the target, and INCR still works', async () => {
    await redis.flush();
    const [day] = await reseedDays(redis.client, db, table, ['2025-03-01'], {
      strategy: 'safe',
      allowLower: false,
      dryRun: false,
    });
    expect(day).toMatchObject({ action: 'created', target: 7, after: 7, malformedSerials: 2 });
    expect(await redis.client.get('ticket_day_count_2025-03-01')).toBe('7');
    expect(await redis.client.incr('ticket_day_count_2025-03-01')).toBe(8);
    expect(parseSerial(HOSTILE, 'loonflow')).toBeUndefined();
  });

  it('a range with a non-integer counter changes nothing, and names it', async () => {
    await redis.flush();
    await redis.client.set('ticket_day_count_2025-03-01', '1');
    await redis.client.set('ticket_day_count_2025-03-02', '1.8446744073709552e+19');
    const dates = ['2025-03-01', '2025-03-02', '2025-03-03'];
    const err = await reseedDays(redis.client, db, table, dates, {
      strategy: 'safe',
      allowLower: false,
      dryRun: false,
    }).catch((e) => e);
    expect(err).toMatchObject({ exitCode: 65, message: expect.stringMatching(/2025-03-02/) });
    expect(await redis.client.get('ticket_day_count_2025-03-01')).toBe('1');
    expect(await redis.client.exists('ticket_day_count_2025-03-03')).toBe(0);
    const days = await reseedDays(redis.client, db, table, dates, {
      strategy: 'safe',
      allowLower: false,
      dryRun: false,
      skipInvalid: true,
    });
    expect(days.map((d) => [d.date, d.action, d.after])).toEqual([
      ['2025-03-01', 'raised', 7],
      ['2025-03-02', 'invalid', null],
      ['2025-03-03', 'created', 5],
    ]);
    expect(await redis.client.get('ticket_day_count_2025-03-02')).toBe('1.8446744073709552e+19');
    const repaired = await reseedDays(redis.client, db, table, ['2025-03-02'], {
      strategy: 'safe',
      allowLower: false,
      dryRun: false,
      replaceInvalid: true,
    });
    expect(repaired[0]).toMatchObject({ action: 'replaced', after: 0 });
    expect(await redis.client.incr('ticket_day_count_2025-03-02')).toBe(1);
  });
});
