import type { Redis, RedisOptions } from 'ioredis';
import { UnavailableError, UsageError } from '../core/errors.js';
import { maskUrl } from '../core/mask.js';
import { requireReplicaAcks } from './durability.js';
import { explainConnectFailure, redisUnavailable as explainedUnavailable } from './explain.js';
import { failoverMayDropWrites } from './sentinel-view.js';
import type { TlsSettings } from './tls.js';
import { redisOptionsFromUrl } from './url.js';

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

/** Maps a driver error from connecting or talking to Redis into our typed error. */
export function redisUnavailable(err: unknown, url: string, role: string): UnavailableError {
  const msg = (err as Error)?.message ?? String(err);
  const where = `${role} ${maskUrl(url)}`;
  if (/^NOPERM/.test(msg)) {
    const why = `${where}: the user may not run loonctl's commands (${msg.split('\n')[0]})`;
    return new UnavailableError(why, 'grant the ACL user these commands and keys', { cause: err });
  }
  return explainedUnavailable(err, url, role);
}

/**
 * Opens one ioredis client and waits until it is ready. Fails fast: bounded connect timeout,
 * no reconnect loop, no offline queue that would hang a CLI forever on a dead server.
 */
export async function connectRedis(url: string, opts: RedisConnectOptions): Promise<Redis> {
  const extras = { tls: opts.tls, sentinelPassword: opts.sentinelPassword };
  const base = redisOptionsFromUrl(url, opts.sentinelMaster, extras);
  const IORedis = (await import('ioredis')).default.Redis; // via default: a bundle chunk exports only that
  // ioredis sends SELECT itself after connecting and only emits an error when it fails, leaving the
  // client in db 0: select explicitly instead, so a db the server lacks stops us before any command.
  const db = base.db ?? 0;
  const options: RedisOptions = {
    ...base,
    db: 0,
    lazyConnect: true,
    connectTimeout: opts.timeoutMs,
    commandTimeout: undefined,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
    reconnectOnError: () => false,
    connectionName: 'loonctl',
    // The ready check runs INFO; an ACL user without it makes ioredis print a warning on stderr.
    enableReadyCheck: false,
    enableAutoPipelining: false,
    // disconnect() half-closes and waits this long for the server before destroying the socket;
    // a hung server would otherwise hold the process open for ioredis' default 2 s.
    disconnectTimeout: 100,
  };
  const client = new IORedis(options);
  let lastError: unknown;
  client.on('error', (e: unknown) => {
    lastError = e;
  });
  let info: Record<string, string>;
  try {
    await withTimeout(client.connect(), opts.timeoutMs + 250);
    // Without ioredis' ready check: a missing password shows only on the first command. One round trip
    // of PING and INFO settles it and tells cluster mode and replicas (INFO may be denied by an ACL: fine).
    if (lastError) throw lastError as Error;
    const [[pingErr], [, infoText]] = ((await withTimeout(
      client.pipeline().ping().info().exec(),
      opts.timeoutMs + 250,
    )) ?? []) as [Error | null, unknown][];
    if (pingErr) throw pingErr;
    info = parseInfo(typeof infoText === 'string' ? infoText : '');
  } catch (e) {
    client.disconnect();
    throw await connectFailure(e, lastError, url, base, opts);
  }
  if (info.cluster_enabled === '1') {
    client.disconnect();
    throw clusterRefused(url, opts.role);
  }
  if (db !== 0) {
    await client.select(db).catch((e: unknown) => {
      client.disconnect();
      throw selectFailure(e, db, url, opts.role);
    });
  }
  // Others read the db from the client (Celery's pidbox channel names it): say the one we selected.
  client.options.db = db;
  if (base.sentinels) {
    const replicas = Number(info.connected_slaves ?? 0);
    if (replicas > 0 || (await failoverMayDropWrites(base, opts.timeoutMs))) {
      requireReplicaAcks(client, Math.min(opts.timeoutMs, 1000));
    }
  }
  return client;
}

/** The error for a failed connect: NOPERM as such, else explained (TLS, a dropped connection, a password). */
export async function connectFailure(
  e: unknown,
  socketError: unknown,
  url: string,
  base: RedisOptions,
  opts: RedisConnectOptions,
): Promise<UnavailableError> {
  // "Connection is closed" says nothing; the socket's error carries the real reason.
  const cause = socketError && /Connection is closed/.test(String((e as Error)?.message)) ? socketError : e;
  if (/^NOPERM/.test(String((cause as Error)?.message))) return redisUnavailable(cause, url, opts.role);
  return explainConnectFailure(cause, url, base, opts.role, opts.timeoutMs);
}

export function clusterRefused(url: string, role: string): UnavailableError {
  return new UnavailableError(
    `${role} ${maskUrl(url)} runs in Redis Cluster mode: Redis Cluster is not supported`,
    "kombu's Redis transport, hence Celery's broker, has no Cluster support: use a standalone or Sentinel Redis",
  );
}

function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** SELECT failed: a db the server lacks is a usage error, anything else is Redis being unavailable. */
export function selectFailure(e: unknown, db: number, url: string, role: string): Error {
  const msg = (e as Error)?.message ?? String(e);
  if (/out of range|invalid DB index|ERR/i.test(msg) && !/NOAUTH|WRONGPASS/i.test(msg)) {
    const hint = 'check the db number at the end of the URL';
    return new UsageError(`${role} ${maskUrl(url)}: the server has no database index ${db} (${msg})`, hint);
  }
  return redisUnavailable(e, url, role);
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
