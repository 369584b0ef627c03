import type { Context } from '../app/context.js';
import { type LoonError, UsageError } from '../core/errors.js';
import { maskUrl } from '../core/mask.js';
import { check, type CheckResult } from './check.js';
import { brokerCheck, redisChecks } from './redis-checks.js';
import type { Database } from '../db/connect.js';
import { dateIn } from '../core/parse.js';

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

/**
 * Runs every check and reports; nothing here throws for an unhealthy setup (that is the report).
 * Checks that depend on an unreachable service are reported as skipped.
 */
export interface DoctorOptions {
  /** Local time (HH:MM) after which tomorrow's serial counter must be primed. */
  primeBy?: string;
  /** Tasks running longer than this (seconds) warn. */
  maxTaskRuntimeS?: number;
}

export async function runDoctor(ctx: Context, o: DoctorOptions = {}): Promise<DoctorReport> {
  const c = ctx.config;
  const checks: CheckResult[] = [];
  const redis = await redisChecks(() => ctx.redis(), c.redisUrl.value);
  checks.push(...redis);
  const redisOk = redis[0].status === 'ok';
  const broker = await brokerCheck(
    () => ctx.broker(),
    c.brokerUrl.value,
    c.brokerUrl.value === c.redisUrl.value && redisOk,
  );
  if (c.brokerUrl.value === c.redisUrl.value && !redisOk) {
    broker.status = 'fail';
    broker.detail = 'same as redis, which is unreachable';
  }
  checks.push(broker);

  let db: Database | undefined;
  try {
    db = await ctx.db();
    checks.push(
      check('database', 'ok', `reachable at ${maskUrl(c.databaseUrl.value)}`, {
        url: maskUrl(c.databaseUrl.value),
        dialect: db.dialect,
      }),
    );
    const short = db.dialect === 'postgres' ? db.serverVersion.split(' ').slice(0, 2).join(' ') : db.serverVersion;
    checks.push(check('database version', 'ok', short, { version: db.serverVersion }));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    checks.push(check('database', 'fail', (e as Error).message, { url: maskUrl(c.databaseUrl.value) }));
  }
  const deployment = await ctx.deployment();
  checks.push(
    check('loonflow', 'ok', `LoonFlow ${deployment.line} (${deployment.how}: ${deployment.detail})`, { ...deployment }),
  );
  if (deployment.line === '3.x') checks.push(...(await ticketChecks3(db)));
  else {
    checks.push(...(await ticketChecks(ctx, redisOk, db)));
    checks.push(await primedCheck(ctx, redisOk, o.primeBy));
  }
  checks.push(await backlogCheck(ctx, broker.status === 'ok'));
  checks.push(await mutexCheck(ctx, broker.status === 'ok'));
  const { workerChecks } = await import('./worker-checks.js');
  try {
    checks.push(...(await workerChecks(ctx, broker.status === 'ok', o.maxTaskRuntimeS ?? 1800)));
  } catch (e) {
    checks.push(check('queue consumers', 'fail', (await asFinding(e)).message));
  }
  return { ok: !checks.some((x) => x.status === 'fail'), checks };
}

/** Tomorrow's counter exists before LoonFlow needs it (`serial prime` from cron), after a local hour. */
async function primedCheck(ctx: Context, redisOk: boolean, primeBy: string | undefined): Promise<CheckResult> {
  if (!redisOk) return check('serial primed', 'skip', 'redis unreachable');
  const { serialPrimedCheck } = await import('./serial-primed.js');
  return serialPrimedCheck(await ctx.redis(), { tz: ctx.config.tz.value, after: primeBy });
}

/** LoonFlow 3.x: its ticket table; it has no serials, so nothing to check against Redis. */
async function ticketChecks3(db: Database | undefined): Promise<CheckResult[]> {
  const noSerials = check('serial counter', 'skip', 'LoonFlow 3.x has no ticket serials');
  if (!db) return [check('ticket table', 'skip', 'database unreachable'), noSerials];
  const { tableExists } = await import('../db/schema.js');
  const ok = await tableExists(db, 'ticket_record');
  return [check('ticket table', ok ? 'ok' : 'fail', ok ? 'ticket_record' : 'ticket_record not found'), noSerials];
}

/** A Redis or database condition (wrong key type, NOPERM, connection lost) as a failed check; a bug is rethrown. */
async function asFinding(e: unknown): Promise<LoonError> {
  const { classifyRedisError } = await import('../redis/errors.js');
  const typed = classifyRedisError(e);
  if (!typed || typed instanceof UsageError) throw e;
  return typed;
}

/** The ticket table and its columns, then today's serial counter against it. */
async function ticketChecks(ctx: Context, redisOk: boolean, db: Database | undefined): Promise<CheckResult[]> {
  if (!db)
    return [
      check('ticket table', 'skip', 'database unreachable'),
      check('serial counter', 'skip', 'database unreachable'),
    ];
  const [{ makeTicketTable }, { checkTicketTable }] = await Promise.all([
    import('../db/ticket-table.js'),
    import('../db/tickets.js'),
  ]);
  const table = makeTicketTable({ tz: ctx.config.tz.value });
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

/** kombu's unacked_mutex in the broker: one with no TTL (kombu 4.6.7) blocks every restore for ever. */
async function mutexCheck(ctx: Context, brokerOk: boolean): Promise<CheckResult> {
  if (!brokerOk) return check('unacked mutex', 'skip', 'broker unreachable');
  const [{ unackedMutexCheck }, { makeTransport }] = await Promise.all([
    import('./unacked-mutex-check.js'),
    import('../celery/transport.js'),
  ]);
  try {
    return await unackedMutexCheck(await ctx.broker(), makeTransport({ keyPrefix: ctx.config.keyPrefix.value }));
  } catch (e) {
    return check('unacked mutex', 'fail', (await asFinding(e)).message);
  }
}

/** Ready and unacked Celery messages; unacked older than the visibility timeout are orphans: warn. */
async function backlogCheck(ctx: Context, brokerOk: boolean): Promise<CheckResult> {
  if (!brokerOk) return check('celery backlog', 'skip', 'broker unreachable');
  const [{ backlogSummary }, { makeTransport }] = await Promise.all([
    import('../celery/list.js'),
    import('../celery/transport.js'),
  ]);
  const t = makeTransport({ keyPrefix: ctx.config.keyPrefix.value });
  let b: Awaited<ReturnType<typeof backlogSummary>>;
  try {
    b = await backlogSummary(await ctx.broker(), t);
  } catch (e) {
    const failure = await asFinding(e);
    return check('celery backlog', 'fail', failure.message);
  }
  const oldest = b.oldest_unacked_age !== null ? ` (oldest ${b.oldest_unacked_age}s)` : '';
  const detail = `${b.ready} ready in ${b.queues} queue(s), ${b.unacked} unacked${oldest}`;
  if (b.oldest_unacked_age !== null && b.oldest_unacked_age > t.visibilityTimeoutS) {
    return check(
      'celery backlog',
      'warn',
      `${detail}: older than the visibility timeout, probably left by a dead worker (loonctl queue requeue --unacked)`,
      b,
    );
  }
  return check('celery backlog', 'ok', detail, b);
}
