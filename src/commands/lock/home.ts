import type { Redis } from 'ioredis';
import type { Context } from '../../app/context.js';
import { makeTransport, type Transport } from '../../celery/transport.js';
import { isUnackedMutexName, type LockSource } from '../../lock/broker-mutex.js';

/** The broker is another db or server than the counters: kombu's unacked_mutex lives there. */
export function separateBroker(ctx: Context): boolean {
  return ctx.config.brokerUrl.value !== ctx.config.redisUrl.value;
}

export function lockTransport(ctx: Context): Transport {
  return makeTransport({ keyPrefix: ctx.config.keyPrefix.value });
}

/**
 * The Redis that holds the lock `name`: the counters db, or the broker db (where kombu writes its
 * unacked_mutex: looked up there first) when it is elsewhere and holds it.
 */
export async function lockHome(ctx: Context, name: string): Promise<{ redis: Redis; source: LockSource }> {
  const counters = { redis: await ctx.redis(), source: 'redis' as const };
  if (!separateBroker(ctx)) return counters;
  const broker = { redis: await ctx.broker(), source: 'broker' as const };
  const order = isUnackedMutexName(lockTransport(ctx), name) ? [broker, counters] : [counters, broker];
  for (const home of order) if ((await home.redis.exists(name)) === 1) return home;
  return order[0];
}
