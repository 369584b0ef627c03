import type { Redis } from 'ioredis';
import type { RedisConnectOptions } from './connect.js';
import { leanRedis } from './lean-client.js';
import { redisOptionsFromUrl } from './url.js';

/**
 * `connectRedis` with the lean client, in one round trip: AUTH, CLIENT SETNAME, PING, INFO and SELECT
 * in one write, judged in the order ioredis' path judges them, so every failure gives the same error.
 * Sentinel needs master discovery: that stays ioredis'.
 *
 * The client is returned as ioredis' `Redis` type: it stands in for it only in the code paths of the
 * commands that opt in (`redis: 'lean'` in their spec), whose e2e tests run on it.
 */
export async function connectLeanRedis(url: string, opts: RedisConnectOptions): Promise<Redis> {
  const base = redisOptionsFromUrl(url, opts.sentinelMaster, { tls: opts.tls });
  // connect.js (and what explains a failure) is loaded only when needed: on failure, or for Sentinel.
  if (base.sentinels || opts.sentinelMaster) return (await import('./connect.js')).connectRedis(url, opts);
  const db = base.db ?? 0;
  const client = leanRedis({ ...base, db, connectTimeout: opts.timeoutMs });
  let opened: Awaited<ReturnType<typeof client.open>>;
  try {
    // A socket error while connecting comes back as the rejection itself (MiniRedis.handshake).
    opened = await client.open([['PING'], ['INFO']]);
    if (opened.replies[0] instanceof Error) throw opened.replies[0];
  } catch (e) {
    client.disconnect();
    throw await (await import('./connect.js')).connectFailure(e, undefined, url, base, opts);
  }
  const info = opened.replies[1];
  if (Buffer.isBuffer(info) && /^cluster_enabled:1\r?$/m.test(info.toString('utf8'))) {
    client.disconnect();
    throw (await import('./connect.js')).clusterRefused(url, opts.role);
  }
  if (opened.selectError) {
    client.disconnect();
    throw (await import('./connect.js')).selectFailure(opened.selectError, db, url, opts.role);
  }
  return client as unknown as Redis;
}
