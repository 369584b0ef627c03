import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { maskUrl } from '../core/mask.js';
import { check, type CheckResult } from './check.js';
import { brokerCheck, redisChecks } from './redis-checks.js';

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

/**
 * Runs every check and reports; nothing here throws for an unhealthy setup (that is the report).
 * Checks that depend on an unreachable service are reported as skipped.
 */
export async function runDoctor(ctx: Context): Promise<DoctorReport> {
  const c = ctx.config;
  const checks: CheckResult[] = [];
  const redis = await redisChecks(() => ctx.redis(), c.redisUrl.value);
  checks.push(...redis);
  const redisOk = redis[0]!.status === 'ok';
  const broker = await brokerCheck(() => ctx.broker(), c.brokerUrl.value, c.brokerUrl.value === c.redisUrl.value && redisOk);
  if (c.brokerUrl.value === c.redisUrl.value && !redisOk) {
    broker.status = 'fail';
    broker.detail = 'same as redis, which is unreachable';
  }
  checks.push(broker);

  let dbOk = false;
  try {
    const db = await ctx.db();
    dbOk = true;
    checks.push(check('database', 'ok', `reachable at ${maskUrl(c.databaseUrl.value)}`, { url: maskUrl(c.databaseUrl.value), dialect: db.dialect }));
    const short = db.dialect === 'postgres' ? db.serverVersion.split(' ').slice(0, 2).join(' ') : db.serverVersion;
    checks.push(check('database version', 'ok', short, { version: db.serverVersion }));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    checks.push(check('database', 'fail', (e as Error).message, { url: maskUrl(c.databaseUrl.value) }));
  }
  void dbOk;
  return { ok: !checks.some((x) => x.status === 'fail'), checks };
}
