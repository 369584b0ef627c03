import type { Context } from '../app/context.js';
import { dateIn } from '../core/parse.js';
import type { Database } from '../db/connect.js';
import type { TicketTable } from '../db/ticket-table.js';
import { check, type CheckResult } from './check.js';
import { asFinding } from './finding.js';

/** Tomorrow's counter exists before LoonFlow needs it (`serial prime` from cron), after a local hour. */
export async function primedCheck(ctx: Context, redisOk: boolean, primeBy: string | undefined): Promise<CheckResult> {
  if (!redisOk) return check('serial primed', 'skip', 'redis unreachable');
  const { serialPrimedCheck } = await import('./serial-primed.js');
  return serialPrimedCheck(await ctx.redis(), { tz: ctx.config.tz.value, after: primeBy });
}

/** LoonFlow 3.x: its ticket table; it has no serials, so nothing to check against Redis. */
export async function ticketChecks3(db: Database | undefined): Promise<CheckResult[]> {
  const noSerials = check('serial counter', 'skip', 'LoonFlow 3.x has no ticket serials');
  if (!db) return [check('ticket table', 'skip', 'database unreachable'), noSerials];
  const { tableExists } = await import('../db/schema.js');
  const ok = await tableExists(db, 'ticket_record');
  return [check('ticket table', ok ? 'ok' : 'fail', ok ? 'ticket_record' : 'ticket_record not found'), noSerials];
}

/** The ticket table and its columns, then today's serial counter against it. */
export async function ticketChecks(
  ctx: Context,
  redisOk: boolean,
  db: Database | undefined,
  names: Partial<Omit<TicketTable, 'tz'>> = {},
): Promise<CheckResult[]> {
  if (!db)
    return [
      check('ticket table', 'skip', 'database unreachable'),
      check('serial counter', 'skip', 'database unreachable'),
    ];
  const [{ makeTicketTable }, { checkTicketTable }] = await Promise.all([
    import('../db/ticket-table.js'),
    import('../db/tickets.js'),
  ]);
  const table = makeTicketTable({ ...names, tz: ctx.config.tz.value });
  const t = await checkTicketTable(db, table);
  if (!t.tableExists)
    return [
      check('ticket table', 'fail', `${table.table} not found`),
      check('serial counter', 'skip', 'no ticket table'),
    ];
  if (t.missingColumns.length) {
    return [
      check('ticket table', 'fail', `${table.table} lacks ${t.missingColumns.join(', ')}`, {
        missing: t.missingColumns,
      }),
      check('serial counter', 'skip', 'ticket table incomplete'),
    ];
  }
  const results = [
    check(
      'ticket table',
      'ok',
      `${table.table} (${[table.serialColumn, table.createdColumn, table.deletedColumn].join(', ')})`,
    ),
  ];
  if (!redisOk) return [...results, check('serial counter', 'skip', 'redis unreachable')];
  const { inspectDays } = await import('../serial/inspect.js');
  const today = dateIn(ctx.config.tz.value);
  let day: Awaited<ReturnType<typeof inspectDays>>[number] | undefined;
  try {
    // Every prefix in use (account_apptoken) and this zone's serials only: zones sharing a database do not
    // make each other look behind.
    const { prefixesInUse } = await import('../serial/prefixes.js');
    const serial = { prefix: 'loonflow', zone: ctx.config.zone.value, prefixes: await prefixesInUse(db) };
    [day] = await inspectDays(await ctx.redis(), db, table, [today], serial);
  } catch (e) {
    return [...results, check('serial counter', 'fail', (await asFinding(e)).message)];
  }
  const d = day;
  const data = { date: d.date, counter: d.counter, rows: d.rows, max_seq: d.maxSeq, status: d.status };
  if (d.status === 'behind' || d.status === 'invalid') {
    results.push(
      check(
        'serial counter',
        'fail',
        `${d.key} = ${d.counter ?? d.invalidValue}, but serials up to ${d.maxSeq} exist: ` +
          'the next serial would repeat (loonctl serial reseed)',
        data,
      ),
    );
  } else if (d.status === 'missing') {
    results.push(
      check(
        'serial counter',
        'warn',
        `${d.key} missing: the next ticket starts it from the database (${Math.max(d.rows, d.maxSeq)} used today)`,
        data,
      ),
    );
  } else {
    results.push(
      check('serial counter', 'ok', `${d.key} = ${d.counter} (${d.rows} tickets today, highest ${d.maxSeq})`, data),
    );
  }
  return results;
}
