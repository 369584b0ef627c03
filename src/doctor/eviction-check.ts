import type { Redis } from 'ioredis';
import { globEscape, scanAll } from '../celery/list.js';
import { bindingPrefix, type Transport } from '../celery/transport.js';
import { check, type CheckResult } from './check.js';
import { parseInfo } from './redis-checks.js';

const NAME = 'maxmemory-policy';

/** The broker server's eviction policy and memory limit: INFO first (CONFIG is often renamed away). */
async function readPolicy(broker: Redis): Promise<{ policy: string; maxmemory: number }> {
  const info = parseInfo(await broker.info('memory'));
  if (info.maxmemory_policy !== undefined) {
    return { policy: info.maxmemory_policy, maxmemory: Number(info.maxmemory ?? 0) };
  }
  const [, policy] = (await broker.config('GET', 'maxmemory-policy')) as [string, string];
  const [, max] = (await broker.config('GET', 'maxmemory')) as [string, string];
  return { policy, maxmemory: Number(max) };
}

/** kombu's binding sets (`_kombu.binding.*`) that carry a TTL: kombu never sets one, someone else did. */
async function bindingsWithTtl(broker: Redis, t: Transport): Promise<{ bindings: number; withTtl: string[] }> {
  const keys = await scanAll(broker, Buffer.concat([globEscape(bindingPrefix(t)), Buffer.from('*')]), 'set');
  const p = broker.pipeline();
  for (const k of keys) p.pttl(k);
  const ttls = (await p.exec()) ?? [];
  const withTtl = keys.filter((_k, i) => Number(ttls[i][1]) >= 0).map((k) => k.toString('utf8'));
  return { bindings: keys.length, withTtl };
}

/**
 * Whether the broker's Redis can evict kombu's bindings. `_kombu.binding.<exchange>` sets route every
 * publish and are written only when a worker or producer declares its queues: one evicted, publishing to
 * that exchange fails ("Cannot route message ... Probably the key (_kombu.binding.celery) has been removed")
 * until a worker restarts. allkeys-* evicts any key; volatile-* only keys with a TTL, and kombu gives its
 * bindings none, so volatile-* spares them, though it can evict what has one: day counters (EX 86400) and
 * locks. Nothing is evicted while maxmemory is 0 (no limit).
 */
export async function evictionCheck(broker: Redis, t: Transport): Promise<CheckResult> {
  let p: { policy: string; maxmemory: number };
  try {
    p = await readPolicy(broker);
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    return check(NAME, 'warn', `cannot read it (${why}); make sure it is noeviction`);
  }
  const b = await bindingsWithTtl(broker, t);
  const data = { policy: p.policy, maxmemory_bytes: p.maxmemory, bindings: b.bindings, bindings_with_ttl: b.withTtl };
  const limit = p.maxmemory > 0;
  if (p.policy === 'noeviction') return check(NAME, 'ok', 'noeviction', data);
  if (p.policy.startsWith('allkeys-')) {
    const what = `${p.policy} can evict kombu's bindings (_kombu.binding.*), Celery messages, counters and locks`;
    if (!limit) return check(NAME, 'warn', `${what} once maxmemory is set (0 now: nothing is evicted yet)`, data);
    return check(
      NAME,
      'fail',
      `${what}: an evicted binding stops publishing until a worker restarts (noeviction)`,
      data,
    );
  }
  if (p.policy.startsWith('volatile-')) {
    if (b.withTtl.length) {
      const keys = b.withTtl.slice(0, 3).join(', ');
      const what = `${p.policy} can evict ${keys}: these bindings have a TTL (kombu sets none)`;
      return check(NAME, limit ? 'fail' : 'warn', limit ? what : `${what}, once maxmemory is set`, data);
    }
    const spared = `${p.policy} spares kombu's bindings (no TTL)`;
    if (!limit) return check(NAME, 'ok', `${spared}; maxmemory 0: nothing is evicted`, data);
    return check(NAME, 'warn', `${spared} but can evict keys with a TTL: serial day counters and locks`, data);
  }
  return check(NAME, 'warn', `${p.policy}: unknown policy, make sure it is noeviction`, data);
}
