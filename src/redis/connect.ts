import type { Redis, RedisOptions } from 'ioredis';
import { UnavailableError } from '../core/errors.js';
import { maskUrl } from '../core/mask.js';
import { speaksPlainRedis, speaksTls, tlsPingError } from './probe.js';
import { explainTls, type TlsSettings } from './tls.js';
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
  if (/WRONGPASS|NOAUTH|invalid password|AUTH.*without any password|invalid username-password/i.test(msg)) {
    return new UnavailableError(`${where}: authentication failed`, 'check the password in the URL or REDIS_PASSWORD', { cause: err });
  }
  if (/timeout|ETIMEDOUT/i.test(msg)) {
    return new UnavailableError(`${where}: connect timed out`, 'is the host right and reachable? raise --timeout if the network is slow', { cause: err });
  }
  return new UnavailableError(`cannot reach ${where}: ${msg}`, 'is Redis running? check --redis-url / --broker-url', { cause: err });
}

/**
 * Opens one ioredis client and waits until it is ready. Fails fast: bounded connect timeout,
 * no reconnect loop, no offline queue that would hang a CLI forever on a dead server.
 */
export async function connectRedis(url: string, opts: RedisConnectOptions): Promise<Redis> {
  const base = redisOptionsFromUrl(url, opts.sentinelMaster, { tls: opts.tls, sentinelPassword: opts.sentinelPassword });
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
    throw await explainConnectFailure(cause, url, base, opts);
  }
  return client;
}

/** The most useful error for a failed connect: TLS trouble in words, else the generic mapping. */
async function explainConnectFailure(cause: unknown, url: string, o: RedisOptions, opts: RedisConnectOptions): Promise<UnavailableError> {
  const where = `${opts.role} ${maskUrl(url)}`;
  const tls = explainTls(cause);
  if (tls) return new UnavailableError(`${where}: ${tls.what}`, tls.hint, { cause });
  const msg = String((cause as Error)?.message ?? cause);
  const dropped = /ECONNRESET|EPIPE|Connection is closed|socket hang up|timeout|ETIMEDOUT/i.test(`${(cause as NodeJS.ErrnoException)?.code} ${msg}`);
  if (dropped && !o.sentinels && !o.path && o.port) {
    const host = o.host ?? '127.0.0.1';
    const probeMs = Math.min(1000, opts.timeoutMs);
    if (o.tls && (await speaksPlainRedis(host, o.port, probeMs))) {
      return new UnavailableError(`${where}: the server does not speak TLS (a plain-text Redis answers there)`, 'use redis:// for a plain-text server', { cause });
    }
    const again = o.tls ? explainTls(await tlsPingError(host, o.port, o.tls, probeMs)) : undefined;
    if (again) return new UnavailableError(`${where}: ${again.what}`, again.hint, { cause });
    if (!o.tls && (await speaksTls(host, o.port, probeMs))) {
      return new UnavailableError(`${where}: the server speaks only TLS`, 'use rediss:// (with ssl_ca_certs=FILE or --tls-ca FILE)', { cause });
    }
  }
  return redisUnavailable(cause, url, opts.role);
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
