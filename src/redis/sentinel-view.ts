import type { Redis, RedisOptions } from 'ioredis';

/**
 * Whether a sentinel knows a healthy replica of the master: one that is not down and reports itself as a
 * replica. Asked only when the master we reached has no replica connected: right after a promotion the old
 * master looks like that while the sentinels still name it, and a write there would be dropped when it is
 * demoted; whereas a master whose replica is really down (or is the old master, still reporting "master")
 * can be written to safely. Any doubt (no sentinel answers) counts as "yes": loonctl then insists on a
 * replica's confirmation, which fails safe.
 */
export async function sentinelSeesHealthyReplica(o: RedisOptions, timeoutMs: number): Promise<boolean> {
  const { Redis: IORedis } = await import('ioredis');
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
      const replicas = (await client.call('SENTINEL', 'REPLICAS', o.name!)) as string[][];
      return replicas.some((flat) => {
        const r = new Map<string, string>();
        for (let i = 0; i + 1 < flat.length; i += 2) r.set(flat[i]!, flat[i + 1]!);
        return !/s_down|o_down|disconnected/.test(r.get('flags') ?? '') && r.get('role-reported') === 'slave';
      });
    } catch {
      // try the next sentinel
    } finally {
      client.disconnect();
    }
  }
  return true;
}
