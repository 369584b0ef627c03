import type { Redis, RedisOptions } from 'ioredis';
import { UnavailableError } from '../core/errors.js';
import { maskUrl } from '../core/mask.js';
import { requireReplicaAcks } from './durability.js';
import { explainConnectFailure } from './explain.js';
import { failoverMayDropWrites } from './sentinel-view.js';
import type { TlsSettings } from './tls.js';
import { redisOptionsFromUrl } from './url.js';

export { redisUnavailable } from './explain.js';

export interface RedisConnectOptions {
  timeoutMs: number;
  sentinelMaster?: string;
  /** The sentinels' own password (Celery's sentinel_kwargs); the URL's password is the master's. */
  sentinelPassword?: string;
  /** TLS files and verification for rediss://, over the URL's ssl_* query. */
  tls?: TlsSettings;
  /** What this connection is for, named in error messages ("redis", "broker"). */
  role: string;
}

/**
 * Opens one ioredis client and waits until it is ready. Fails fast: bounded connect timeout,
 * no reconnect loop, no offline queue that would hang a CLI forever on a dead server.
 */
export async function connectRedis(url: string, opts: RedisConnectOptions): Promise<Redis> {
  const extras = { tls: opts.tls, sentinelPassword: opts.sentinelPassword };
  const base = redisOptionsFromUrl(url, opts.sentinelMaster, extras);
  const { Redis: IORedis } = await import('ioredis');
  const options: RedisOptions = {
    ...base,
    lazyConnect: true,
    connectTimeout: opts.timeoutMs,
    commandTimeout: undefined,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
    reconnectOnError: () => false,
    connectionName: 'loonctl',
    enableAutoPipelining: false,
    // disconnect() half-closes and waits this long for the server before destroying the socket;
    // a hung server would otherwise hold the process open for ioredis' default 2 s.
    disconnectTimeout: 100,
  };
  const client = new IORedis(options);
  const info = captureReadyInfo(client);
  let lastError: unknown;
  client.on('error', (e: unknown) => {
    lastError = e;
  });
  try {
    await withTimeout(client.connect(), opts.timeoutMs + 250);
  } catch (e) {
    client.disconnect();
    // "Connection is closed" says nothing; the error event carries the real reason.
    const cause = lastError && /Connection is closed/.test(String((e as Error)?.message)) ? lastError : e;
    throw await explainConnectFailure(cause, url, base, opts.role, opts.timeoutMs);
  }
  if (info.value?.cluster_enabled === '1') {
    client.disconnect();
    throw new UnavailableError(
      `${opts.role} ${maskUrl(url)} runs in Redis Cluster mode: Redis Cluster is not supported`,
      "kombu's Redis transport, hence Celery's broker, has no Cluster support: use a standalone or Sentinel Redis",
    );
  }
  if (base.sentinels) {
    const replicas = Number(info.value?.connected_slaves ?? 0);
    if (replicas > 0 || (await failoverMayDropWrites(base, opts.timeoutMs))) {
      requireReplicaAcks(client, Math.min(opts.timeoutMs, 1000));
    }
  }
  return client;
}

/**
 * The INFO reply of ioredis' ready check, which it parses and hands to its connector's `check` only: wrapping
 * that method gives us the server's facts (cluster mode) without another round trip.
 */
function captureReadyInfo(client: Redis): { value?: Record<string, string> } {
  const box: { value?: Record<string, string> } = {};
  type Connector = { check?: (info: Record<string, string>) => boolean };
  const connector = (client as unknown as { connector?: Connector }).connector;
  const check = connector?.check?.bind(connector);
  if (connector && check) {
    connector.check = (info) => {
      box.value = info;
      return check(info);
    };
  }
  return box;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('connect timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
