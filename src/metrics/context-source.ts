import type { Context } from '../app/context.js';
import type { Mailbox } from '../celery/control/names.js';
import type { Transport } from '../celery/transport.js';
import { dateIn } from '../core/parse.js';
import { reconnecting, type MetricsSource, type SerialReading } from './source.js';

/** Whether a database was configured at all (a flag, env var, LoonFlow's settings or the config file). */
export function databaseConfigured(ctx: Context): boolean {
  return !ctx.config.databaseUrl.source.startsWith('default');
}

/** Today's counter against the ticket table (as doctor reads it); null on a line without serials. */
async function readSerial(ctx: Context): Promise<SerialReading | null> {
  const [{ LINE_FACTS }, { inspectDays }, { prefixesInUse }] = await Promise.all([
    import('../loonflow/lines.js'),
    import('../serial/inspect.js'),
    import('../serial/prefixes.js'),
  ]);
  if (!LINE_FACTS[(await ctx.deployment()).line].serials) return null;
  const { db, table } = await ctx.tickets({});
  const serial = { prefix: 'loonflow', zone: ctx.config.zone.value, prefixes: await prefixesInUse(db) };
  const [d] = await inspectDays(await ctx.redis(), db, table, [dateIn(ctx.config.tz.value)], serial);
  return { counter: d.counter, rows: d.rows, maxSeq: d.maxSeq, status: d.status };
}

/**
 * Collectors' view of the context. `longLived` (a --listen exporter): Redis clients of its own that are
 * reopened after a lost connection, closed with the context.
 */
export function contextSource(ctx: Context, t: Transport, mailbox: Mailbox, longLived: boolean): MetricsSource {
  const serial = databaseConfigured(ctx) ? () => readSerial(ctx) : null;
  if (!longLived) return { broker: () => ctx.broker(), redis: () => ctx.redis(), t, mailbox, serial };
  const c = ctx.config;
  const redis = reconnecting(() => ctx.connectRedis(c.redisUrl.value, 'redis'));
  const same = c.brokerUrl.value === c.redisUrl.value;
  const broker = same ? redis : reconnecting(() => ctx.connectRedis(c.brokerUrl.value, 'broker'));
  ctx.onClose(() => (redis.close(), broker.close()));
  return { broker: broker.get, redis: redis.get, t, mailbox, serial };
}
