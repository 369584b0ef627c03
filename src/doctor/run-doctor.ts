import type { Context } from '../app/context.js';
import { UsageError } from '../core/errors.js';
import { maskUrl } from '../core/mask.js';
import type { Database } from '../db/connect.js';
import type { TicketTable } from '../db/ticket-table.js';
import { check, type CheckResult } from './check.js';
import { type CheckName, checkSlug, displayName } from './check-names.js';
import { brokerCheck, redisChecks } from './redis-checks.js';
import { primedCheck, ticketChecks, ticketChecks3 } from './ticket-checks.js';
import { makeThresholds, type Thresholds } from './thresholds.js';

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

export interface DoctorOptions {
  /** Local time (HH:MM) after which tomorrow's serial counter must be primed. */
  primeBy?: string;
  /** Tasks running longer than this (seconds) warn. */
  maxTaskRuntimeS?: number;
  thresholds?: Thresholds;
  skip?: ReadonlySet<CheckName>;
  /** kombu's layout as the deployment has it (the key prefix comes from the configuration). */
  transport?: { sep?: string; prioritySteps?: string; visibilityTimeoutMs?: number };
  ticketTable?: Partial<Omit<TicketTable, 'tz'>>;
  controlExchange?: string;
  /** How long to wait for the workers' census replies (default 1 s). */
  censusWaitMs?: number;
}

/**
 * Runs every check and reports; nothing here throws for an unhealthy setup (that is the report).
 * Checks that depend on an unreachable or skipped service are reported as skipped; so is each --skip.
 */
export async function runDoctor(ctx: Context, o: DoctorOptions = {}): Promise<DoctorReport> {
  const c = ctx.config;
  const skip = o.skip ?? new Set<CheckName>();
  const checks: CheckResult[] = [];
  let redisOk = false;
  if (skip.has('redis')) checks.push(check('redis', 'skip', 'skipped (--skip)'));
  else {
    const redis = await redisChecks(() => ctx.redis(), c.redisUrl.value);
    checks.push(...redis);
    redisOk = redis[0].status === 'ok';
  }
  const same = c.brokerUrl.value === c.redisUrl.value;
  let brokerOk = false;
  if (skip.has('broker')) checks.push(check('broker', 'skip', 'skipped (--skip)'));
  else {
    const broker = await brokerCheck(() => ctx.broker(), c.brokerUrl.value, same && redisOk);
    // Skipping redis (counters and locks) still checks a broker at the same URL: it connects on its own.
    if (same && !redisOk && !skip.has('redis')) {
      broker.status = 'fail';
      broker.detail = 'same as redis, which is unreachable';
    }
    checks.push(broker);
    brokerOk = broker.status === 'ok';
  }

  let db: Database | undefined;
  if (skip.has('database')) checks.push(check('database', 'skip', 'skipped (--skip)'));
  else db = await databaseChecks(ctx, checks);
  const deployment = await ctx.deployment({ probe: !skip.has('database') });
  checks.push(
    check('loonflow', 'ok', `LoonFlow ${deployment.line} (${deployment.how}: ${deployment.detail})`, { ...deployment }),
  );
  if (deployment.line === '3.x') checks.push(...(await ticketChecks3(db)));
  else {
    checks.push(...(await ticketChecks(ctx, redisOk, db, o.ticketTable)));
    checks.push(await primedCheck(ctx, redisOk, o.primeBy));
  }
  const broker = brokerOk ? await ctx.broker() : undefined;
  const { brokerChecks } = await import('./broker-checks.js');
  const th = o.thresholds ?? makeThresholds({ notDrainingAfterMs: 600_000 });
  checks.push(
    ...(await brokerChecks(ctx, broker, {
      skip,
      thresholds: th,
      transport: o.transport ?? {},
      controlExchange: o.controlExchange,
      maxTaskRuntimeS: o.maxTaskRuntimeS ?? 1800,
      censusWaitMs: o.censusWaitMs ?? 1000,
    })),
  );
  const report = markSkipped(checks, skip);
  return { ok: !report.some((x) => x.status === 'fail'), checks: report };
}

async function databaseChecks(ctx: Context, checks: CheckResult[]): Promise<Database | undefined> {
  const url = ctx.config.databaseUrl;
  try {
    const db = await ctx.db();
    checks.push(
      check('database', 'ok', `reachable at ${maskUrl(url.value)}`, { url: maskUrl(url.value), dialect: db.dialect }),
    );
    const short = db.dialect === 'postgres' ? db.serverVersion.split(' ').slice(0, 2).join(' ') : db.serverVersion;
    checks.push(check('database version', 'ok', short, { version: db.serverVersion }));
    return db;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    checks.push(check('database', 'fail', (e as Error).message, { url: maskUrl(url.value) }));
    return undefined;
  }
}

/**
 * Every skipped check as a `skip` row in its place (or at the end), and what depended on a skipped
 * service says so instead of "unreachable".
 */
function markSkipped(checks: CheckResult[], skip: ReadonlySet<CheckName>): CheckResult[] {
  const out = checks.map((x) => {
    if (skip.has(checkSlug(x.name) as CheckName)) return check(x.name, 'skip', 'skipped (--skip)');
    const svc = /^(redis|broker|database) unreachable$/.exec(x.detail)?.[1];
    if (x.status === 'skip' && svc && skip.has(svc as CheckName)) {
      return check(x.name, 'skip', `${svc} not checked (--skip ${svc})`);
    }
    return x;
  });
  const present = new Set(out.map((x) => checkSlug(x.name)));
  for (const name of skip) if (!present.has(name)) out.push(check(displayName(name), 'skip', 'skipped (--skip)'));
  return out;
}
