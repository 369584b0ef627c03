import type { Kysely } from 'kysely';
import { UnavailableError, UsageError } from '../core/errors.js';
import { maskUrl, rememberUrlSecrets } from '../core/mask.js';

export type Dialect = 'postgres' | 'mysql';

/** An open database: the Kysely instance plus what callers need to know about the server. */
export interface Database {
  // The ticket table is configurable, so queries go through an untyped schema.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  kysely: Kysely<any>;
  dialect: Dialect;
  url: string;
  serverVersion: string;
  destroy(): Promise<void>;
}

export function dialectOf(url: string): Dialect {
  const scheme = /^([a-z0-9+]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  if (scheme === 'mysql' || scheme === 'mariadb') return 'mysql';
  throw new UsageError(
    `malformed database URL ${maskUrl(url)}`,
    'expected postgres://user[:password]@host[:port]/db or mysql://...',
  );
}

function checkUrl(url: string): URL {
  try {
    const u = new URL(url);
    if (!u.hostname && !u.searchParams.get('host')) throw new Error('no host');
    // pg and mysql2 percent-decode these and throw URIError on `%ZZ`.
    for (const part of [u.username, u.password, u.pathname]) decodeURIComponent(part);
    return u;
  } catch {
    throw new UsageError(
      `malformed database URL ${maskUrl(url)}`,
      'expected postgres://user[:password]@host[:port]/db or mysql://...',
    );
  }
}

export function databaseUnavailable(err: unknown, url: string): UnavailableError {
  const e = err as { message?: string; code?: string; errno?: number };
  const msg = e?.message ?? String(err);
  const where = `database ${maskUrl(url)}`;
  if (
    e?.code === '28P01' ||
    e?.code === '28000' ||
    e?.code === 'ER_ACCESS_DENIED_ERROR' ||
    /password authentication failed|Access denied/i.test(msg)
  ) {
    return new UnavailableError(
      `${where}: authentication failed`,
      'check the user and password in --database-url / DB_USER / DB_PASS',
      { cause: err },
    );
  }
  if (e?.code === '3D000' || e?.code === 'ER_BAD_DB_ERROR') {
    return new UnavailableError(`${where}: ${msg}`, 'check the database name', { cause: err });
  }
  if (/timeout/i.test(msg) || e?.code === 'ETIMEDOUT') {
    return new UnavailableError(
      `${where}: connect timed out`,
      'is the host right and reachable? raise --timeout if the network is slow',
      { cause: err },
    );
  }
  return new UnavailableError(
    `cannot reach ${where}: ${msg || e?.code}`,
    'is the database running? check --database-url',
    { cause: err },
  );
}

const LOST_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
  '53300',
]);
const LOST_MESSAGE = new RegExp(
  [
    'Connection terminated',
    'connection lost',
    'server closed the connection',
    'Client has encountered a connection error',
    "Can't add new command when connection is in closed state",
    'Pool is closed',
    'timeout exceeded when trying to connect',
  ].join('|'),
  'i',
);

/**
 * A database failure of the connection (reset, server shut down, too many clients) as an
 * UnavailableError (exit 69, one line); undefined for anything else (a bug or a SQL error).
 */
export function databaseFailure(err: unknown, url: string): UnavailableError | undefined {
  if (err instanceof UnavailableError) return err;
  const e = err as { message?: string; code?: string };
  if (!(LOST_CODES.has(String(e?.code)) || LOST_MESSAGE.test(String(e?.message ?? '')))) return undefined;
  const why = `lost the connection to database ${maskUrl(url)}: ${String(e?.message ?? e?.code).split('\n')[0]}`;
  return new UnavailableError(why, 'is the database up and reachable? run the command again', { cause: err });
}

/** Runs queries; a lost connection becomes an UnavailableError (exit 69) instead of an internal error. */
export async function withDatabase<T>(db: Database, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw databaseFailure(e, db.url) ?? e;
  }
}

/**
 * Opens a small pool through Kysely and checks it with one query. pg, mysql2 and kysely are
 * imported here, on first use, so commands that never touch SQL never load them.
 */
export async function connectDatabase(url: string, timeoutMs: number, tz?: string): Promise<Database> {
  rememberUrlSecrets(url);
  const dialect = dialectOf(url);
  checkUrl(url);
  const { Kysely, PostgresDialect, MysqlDialect, sql } = await import('kysely');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let kysely: Kysely<any>;
  if (dialect === 'postgres') {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: timeoutMs,
      idleTimeoutMillis: 1000,
      application_name: 'loonctl',
      // LoonFlow's naive timestamps are local time in `tz`; a timestamptz column then reads the same way.
      ...(tz ? { options: `-c TimeZone=${tz}` } : {}),
    });
    pool.on('error', () => {}); // an idle client dropped by the server must not crash the CLI
    // pg-pool listens on a client only while it is idle: a connection reset while a query holds it
    // emits 'error' with no listener, which kills the process with a stack. The query itself fails
    // too, and that failure is what the command reports (databaseFailure: exit 69).
    pool.on('connect', (client) => client.on('error', () => {}));
    kysely = new Kysely({ dialect: new PostgresDialect({ pool }) });
  } else {
    const { createPool } = await import('mysql2');
    const pool = createPool({
      uri: url,
      connectionLimit: 4,
      connectTimeout: timeoutMs,
      dateStrings: true,
      timezone: 'local',
    });
    // The same for mysql2: a connection that dies emits 'error'; the query in flight reports it.
    pool.on('connection', (conn) => conn.on('error', () => {}));
    kysely = new Kysely({ dialect: new MysqlDialect({ pool }) });
  }
  try {
    const row = await sql<{ v: string }>`select version() as v`.execute(kysely);
    return { kysely, dialect, url, serverVersion: String(row.rows[0]?.v ?? ''), destroy: () => kysely.destroy() };
  } catch (err) {
    await kysely.destroy().catch(() => {});
    throw databaseUnavailable(err, url);
  }
}
