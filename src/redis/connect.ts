import type { Redis, RedisOptions } from 'ioredis';
import { UnavailableError, UsageError } from '../core/errors.js';
import { maskUrl } from '../core/mask.js';
import { redisOptionsFromUrl } from './url.js';

export interface RedisConnectOptions {
  timeoutMs: number;
  sentinelMaster?: string;
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
  if (/^NOPERM/.test(msg)) {
    const why = `${where}: the user may not run loonctl's commands (${msg.split('\n')[0]})`;
    return new UnavailableError(why, 'grant the ACL user these commands and keys', { cause: err });
  }
  if (/DB index is out of range|invalid DB index/i.test(msg)) {
    const hint = 'check the /db part of the URL or REDIS_DB';
    return new UnavailableError(`${where}: the server has no such database index`, hint, { cause: err });
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
  const base = redisOptionsFromUrl(url, opts.sentinelMaster);
  const { Redis: IORedis } = await import('ioredis');
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
  try {
    await withTimeout(client.connect(), opts.timeoutMs + 250);
    // Without ioredis' ready check: a failed SELECT only shows as an error event (and commands would
    // then run on db 0), a missing password only on the first command. One PING settles both.
    if (lastError) throw lastError;
    await withTimeout(client.ping(), opts.timeoutMs + 250);
  } catch (e) {
    client.disconnect();
    // "Connection is closed" says nothing; the error event carries the real reason.
    const cause = lastError && /Connection is closed/.test(String((e as Error)?.message)) ? lastError : e;
    throw redisUnavailable(cause, url, opts.role);
  }
  if (db !== 0) await selectDb(client, db, url, opts.role);
  return client;
}

async function selectDb(client: Redis, db: number, url: string, role: string): Promise<void> {
  try {
    await client.select(db);
  } catch (e) {
    client.disconnect();
    const msg = (e as Error)?.message ?? String(e);
    if (/out of range|invalid DB index|ERR/i.test(msg) && !/NOAUTH|WRONGPASS/i.test(msg)) {
      throw new UsageError(`${role} ${maskUrl(url)}: the server has no database index ${db} (${msg})`, 'check the db number at the end of the URL');
    }
    throw redisUnavailable(e, url, role);
  }
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
