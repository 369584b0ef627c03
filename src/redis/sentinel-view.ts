import type { Redis, RedisOptions } from 'ioredis';

const DOWN = /s_down|o_down|disconnected/;

function fields(flat: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) m.set(flat[i], flat[i + 1]);
  return m;
}

/**
 * Whether writes on a Sentinel-managed master with no replica connected may still be dropped by a failover.
 * Right after a promotion the old master looks like that while the sentinels still name it: its writes are
 * lost when it is demoted. The sentinels tell that moment apart: a failover in progress, a replica they
 * promoted, or a healthy replica (reporting "slave") that is not connected to our master. After the switch,
 * the old master is listed as a replica still reporting "master" (not yet demoted): the new master can be
 * written to safely meanwhile, as can a master whose replica is really down. Any doubt (no sentinel
 * answers) counts as "at risk": loonctl then insists on a replica's confirmation, which fails safe.
 */
export async function failoverMayDropWrites(o: RedisOptions, timeoutMs: number): Promise<boolean> {
  const IORedis = (await import('ioredis')).default.Redis; // via default: a bundle chunk exports only that
  for (const s of o.sentinels ?? []) {
    const client: Redis = new IORedis({
      host: s.host,
      port: s.port,
      password: o.sentinelPassword,
      lazyConnect: true,
      connectTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
      disconnectTimeout: 100,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      const master = fields((await client.call('SENTINEL', 'MASTER', o.name!)) as string[]);
      if (/failover_in_progress/.test(master.get('flags') ?? '')) return true;
      const replicas = ((await client.call('SENTINEL', 'REPLICAS', o.name!)) as string[][]).map(fields);
      return replicas.some((r) => {
        const flags = r.get('flags') ?? '';
        return !DOWN.test(flags) && (/promoted/.test(flags) || r.get('role-reported') === 'slave');
      });
    } catch {
      // try the next sentinel
    } finally {
      client.disconnect();
    }
  }
  return true;
}
