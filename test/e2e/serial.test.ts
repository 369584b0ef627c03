import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
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

describe.each<Dialect>(['postgres', 'mysql'])('serial on %s', (dialect) => {
  let dbUrl: string;
  const cli = (args: string[], env?: Record<string, string>) =>
    runCli([...args, '--redis-url', redis.url, '--database-url', dbUrl, '--tz', FIXTURE_TZ], { env });
  const json = async (args: string[]) => {
    const r = await cli([...args, '--json']);
    return { ...r, data: r.stdout ? JSON.parse(r.stdout) : undefined };
  };

  beforeAll(async () => {
    dbUrl = dialect === 'postgres' ? await createPgDatabase() : await createMysqlDatabase();
    await createTicketTable(dialect, dbUrl);
  });

  it('show: rows and highest sequence per local day, midnight boundaries respected', async () => {
    await redis.flush();
    const r = await json(['serial', 'show', '--from', '2025-03-01', '--to', '2025-03-05']);
    expect(r.code).toBe(0);
    const byDate = Object.fromEntries(r.data.map((d: { date: string }) => [d.date, d]));
    expect(byDate['2025-03-01']).toMatchObject({
      rows: 4,
      max_seq: 4,
      counter: null,
      status: 'missing',
      next_serial: 'loonflow_202503010005',
    });
    expect(byDate['2025-03-02']).toMatchObject({ rows: 4, max_seq: 3, next_serial: 'loonflow_202503020005' });
    expect(byDate['2025-03-03']).toMatchObject({ rows: 2, max_seq: 12, next_serial: 'loonflow_202503030013' });
    // loonflow_sh_...: zone sh's serial, another counter's; this deployment has no zone.
    expect(byDate['2025-03-04']).toMatchObject({ rows: 2, max_seq: 0 });
    expect(byDate['2025-03-05']).toMatchObject({ rows: 0, max_seq: 0, next_serial: 'loonflow_202503050001' });
  });

  it('show: ok, ahead and behind (exit 1)', async () => {
    await redis.flush();
    await redis.client.set('ticket_day_count_2025-03-01', '4', 'EX', 500);
    await redis.client.set('ticket_day_count_2025-03-02', '9');
    await redis.client.set('ticket_day_count_2025-03-03', '5');
    const r = await json(['serial', 'show', '--from', '2025-03-01', '--to', '2025-03-03']);
    expect(r.code).toBe(1);
    expect(r.data.map((d: { status: string }) => d.status)).toEqual(['ok', 'ahead', 'behind']);
    expect(r.data[0].ttl_seconds).toBeGreaterThan(490);
    expect(r.data[1].ttl_seconds).toBe(-1);
  });

  it('next: initialises an absent day from the database, then one sequence', async () => {
    await redis.flush();
    const first = await cli(['serial', 'next', '--date', '2025-03-03', '--count', '2']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('loonflow_202503030013\nloonflow_202503030014\n');
    const ttl = await redis.client.ttl('ticket_day_count_2025-03-03');
    expect(ttl).toBeGreaterThan(86390);
    const second = await json(['serial', 'next', '--date', '2025-03-03', '--prefix', 'hr', '--zone', 'sh']);
    expect(second.data).toMatchObject({
      first: 15,
      last: 15,
      serials: ['hr_sh_202503030015'],
      key: 'ticket_day_count_2025-03-03',
    });
    // The row count wins when it is higher than the highest serial (2025-03-02: 4 rows, max 3).
    expect((await cli(['serial', 'next', '--date', '2025-03-02'])).stdout).toBe('loonflow_202503020005\n');
    // The zone from loonctl's environment (LoonFlow's DEPLOY_ZONE is a settings constant, never a variable).
    expect((await cli(['serial', 'next', '--date', '2025-03-02'], { LOONCTL_ZONE: 'bj' })).stdout).toBe(
      'loonflow_bj_202503020006\n',
    );
    expect((await cli(['serial', 'next', '--date', '2025-03-02'], { DEPLOY_ZONE: 'bj' })).stdout).toBe(
      'loonflow_202503020007\n',
    );
  });

  it('next: database unreachable and the key absent -> 69 unless --init-from', async () => {
    await redis.flush();
    const down = await runCli([
      'serial',
      'next',
      '--date',
      '2025-03-01',
      '--redis-url',
      redis.url,
      '--database-url',
      'postgres://u:pw@127.0.0.1:1/x',
    ]);
    expect(down.code).toBe(69);
    expect(down.stderr).toMatch(/ticket_day_count_2025-03-01 is not set .*--init-from/);
    expect(down.stderr).not.toContain(':pw@');
    expect(await redis.client.exists('ticket_day_count_2025-03-01')).toBe(0);
    const forced = await runCli([
      'serial',
      'next',
      '--date',
      '2025-03-01',
      '--init-from',
      '40',
      '--redis-url',
      redis.url,
      '--database-url',
      'postgres://u@127.0.0.1:1/x',
    ]);
    expect(forced.stdout).toBe('loonflow_202503010041\n');
    // With the key present, the database is not needed at all.
    const again = await runCli([
      'serial',
      'next',
      '--date',
      '2025-03-01',
      '--redis-url',
      redis.url,
      '--database-url',
      'postgres://u@127.0.0.1:1/x',
    ]);
    expect(again.stdout).toBe('loonflow_202503010042\n');
  });

  it('reseed: creates with 86400 s, raises keeping the TTL, never lowers, idempotent, dry-run changes nothing', async () => {
    await redis.flush();
    await redis.client.set('ticket_day_count_2025-03-01', '2', 'EX', 777);
    await redis.client.set('ticket_day_count_2025-03-02', '10');
    const dry = await json(['serial', 'reseed', '--from', '2025-03-01', '--to', '2025-03-05', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.data.days.map((d: { action: string }) => d.action)).toEqual([
      'raised',
      'unchanged',
      'created',
      'created',
      'skipped',
    ]);
    expect(await redis.client.get('ticket_day_count_2025-03-01')).toBe('2');
    expect(await redis.client.exists('ticket_day_count_2025-03-03')).toBe(0);

    const startedAt = Date.now();
    const r = await json(['serial', 'reseed', '--from', '2025-03-01', '--to', '2025-03-05']);
    const sinceWriteS = Math.ceil((Date.now() - startedAt) / 1000);
    expect(
      r.data.days.map((d: { date: string; before: number | null; after: number | null }) => [
        d.date,
        d.before,
        d.after,
      ]),
    ).toEqual([
      ['2025-03-01', 2, 4],
      ['2025-03-02', 10, 10],
      ['2025-03-03', null, 12],
      ['2025-03-04', null, 2],
      ['2025-03-05', null, null],
    ]);
    const ttl1 = await redis.client.ttl('ticket_day_count_2025-03-01');
    expect(ttl1).toBeGreaterThan(700);
    expect(ttl1).toBeLessThanOrEqual(777);
    expect(await redis.client.ttl('ticket_day_count_2025-03-02')).toBe(-1);
    // Written with 86400 s during the command: at most the command's own duration has passed since.
    expect(await redis.client.ttl('ticket_day_count_2025-03-03')).toBeGreaterThanOrEqual(86400 - sinceWriteS - 1);
    const again = await json(['serial', 'reseed', '--from', '2025-03-01', '--to', '2025-03-05']);
    expect(again.data.days.map((d: { action: string }) => d.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'skipped',
    ]);
  });

  it('reseed: strategies, and lowering only with --allow-lower --yes, saying how many may repeat', async () => {
    await redis.flush();
    await redis.client.set('ticket_day_count_2025-03-03', '20');
    const count = await json([
      'serial',
      'reseed',
      '--date',
      '2025-03-03',
      '--strategy',
      'count',
      '--allow-lower',
      '--dry-run',
    ]);
    expect(count.data.days[0]).toMatchObject({ target: 2, action: 'lowered', may_repeat: 18 });
    const refused = await cli([
      'serial',
      'reseed',
      '--date',
      '2025-03-03',
      '--strategy',
      'max-serial',
      '--allow-lower',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/up to 8 serial\(s\) .* may be handed out again/);
    expect(await redis.client.get('ticket_day_count_2025-03-03')).toBe('20');
    const lowered = await json([
      'serial',
      'reseed',
      '--date',
      '2025-03-03',
      '--strategy',
      'max-serial',
      '--allow-lower',
      '--yes',
    ]);
    expect(lowered.data.days[0]).toMatchObject({ before: 20, after: 12, action: 'lowered', may_repeat: 8 });
    expect(await redis.client.get('ticket_day_count_2025-03-03')).toBe('12');
  });

  it('audit: duplicates with ticket ids, gaps, malformed serials, counters behind; exit 1', async () => {
    await redis.flush();
    await redis.client.set('ticket_day_count_2025-03-03', '11');
    const r = await json(['serial', 'audit', '--from', '2025-03-01', '--to', '2025-03-04']);
    expect(r.code).toBe(1);
    expect(r.data.tickets).toBe(12);
    expect(r.data.duplicates).toHaveLength(1);
    expect(r.data.duplicates[0].sn).toBe('loonflow_202503020002');
    expect(r.data.duplicates[0].ids).toHaveLength(2);
    expect(r.data.duplicates[0].deleted).toEqual([true, false]);
    const gaps = Object.fromEntries(r.data.gaps.map((g: { date: string; missing: number[] }) => [g.date, g.missing]));
    expect(gaps['2025-03-03']).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 11]);
    expect(r.data.malformed.map((m: { sn: string }) => m.sn)).toEqual(['broken-serial']);
    expect(r.data.behind.map((b: { date: string }) => b.date)).toEqual(['2025-03-03']);
    const clean = await json(['serial', 'audit', '--date', '2025-03-01']);
    expect(clean.code).toBe(0);
    expect(clean.data.gaps).toEqual([]);
  });

  it('a counter that is not an integer is reported, never overwritten', async () => {
    await redis.flush();
    await redis.client.set('ticket_day_count_2025-03-01', 'oops');
    for (const args of [
      ['serial', 'next', '--date', '2025-03-01'],
      ['serial', 'reseed', '--date', '2025-03-01'],
    ]) {
      const r = await cli(args);
      expect(r.code).toBe(65);
      expect(r.stderr).toMatch(/ticket_day_count_2025-03-01 holds 'oops', not an integer/);
    }
    const show = await json(['serial', 'show', '--date', '2025-03-01']);
    expect(show.code).toBe(1);
    expect(show.data[0]).toMatchObject({ status: 'invalid', invalid_value: 'oops' });
    expect(await redis.client.get('ticket_day_count_2025-03-01')).toBe('oops');
  });

  it('unknown table or column is named', async () => {
    const t = await cli(['serial', 'show', '--ticket-table', 'tickets']);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/table 'tickets' does not exist/);
    const c = await cli(['serial', 'audit', '--deleted-column', 'deleted_at']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/no column 'deleted_at' \(set --deleted-column\)/);
  });
});

describe('serial bad input (exit 2 / 65)', () => {
  const cli = (args: string[]) =>
    runCli([...args, '--redis-url', redis.url, '--database-url', 'postgres://u@127.0.0.1:1/x']);
  it.each([
    [['serial', 'next', '--date', '2025-02-30'], /2025-02-30 does not exist/],
    [['serial', 'show', '--from', '2025-03-05', '--to', '2025-03-01'], /runs backwards/],
    [['serial', 'show', '--from', '2024-01-01', '--to', '2025-01-02'], /368 days is longer than 366/],
    [['serial', 'show', '--from', '2025-01-01'], /--from and --to go together/],
    [['serial', 'show', '--date', '2025-01-01', '--days', '3'], /one of --date/],
    [['serial', 'next', '--count', '0'], /--count: 0 is out of range/],
    [['serial', 'next', '--count', '-3'], /--count: -3 is out of range/],
    [['serial', 'next', '--count', 'ten'], /not a whole number/],
    [['serial', 'next', '--prefix', 'my app'], /contains white space/],
    [['serial', 'next', '--zone', 'a_b'], /must not contain '_'/],
    [['serial', 'show', '--serial-column', 'sn; drop table x'], /not a valid SQL identifier/],
    [['serial', 'reseed', '--strategy', 'biggest'], /Allowed choices are safe, count, max-serial/],
  ])('%j', async (args, message) => {
    const r = await cli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });

  it('parse: parts of good serials, exit 65 for one that is not', async () => {
    const ok = await runCli(['serial', 'parse', 'loonflow_202501010042', 'hr_sh_2025123112345', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual([
      { sn: 'loonflow_202501010042', prefix: 'loonflow', zone: null, date: '2025-01-01', seq: 42 },
      { sn: 'hr_sh_2025123112345', prefix: 'hr', zone: 'sh', date: '2025-12-31', seq: 12345 },
    ]);
    const bad = await runCli(['serial', 'parse', 'loonflow_202501010042', 'loonflow_202502300001', 'nonsense']);
    expect(bad.code).toBe(65);
    expect(bad.stderr).toMatch(/not a serial: 'loonflow_202502300001', 'nonsense'/);
  });
});

void pgQuery;
void mysqlQuery;
