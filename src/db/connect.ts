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
  throw new UsageError(`malformed database URL ${maskUrl(url)}`, 'expected postgres://user[:password]@host[:port]/db or mysql://...');
}

function checkUrl(url: string): URL {
  try {
    const u = new URL(url);
    if (!u.hostname && !u.searchParams.get('host')) throw new Error('no host');
    return u;
  } catch {
    throw new UsageError(`malformed database URL ${maskUrl(url)}`, 'expected postgres://user[:password]@host[:port]/db or mysql://...');
  }
}

export function databaseUnavailable(err: unknown, url: string): UnavailableError {
  const e = err as { message?: string; code?: string; errno?: number };
  const msg = e?.message ?? String(err);
  const where = `database ${maskUrl(url)}`;
  if (e?.code === '28P01' || e?.code === '28000' || e?.code === 'ER_ACCESS_DENIED_ERROR' || /password authentication failed|Access denied/i.test(msg)) {
    return new UnavailableError(`${where}: authentication failed`, 'check the user and password in --database-url / DB_USER / DB_PASS', { cause: err });
  }
  if (e?.code === '3D000' || e?.code === 'ER_BAD_DB_ERROR') {
    return new UnavailableError(`${where}: ${msg}`, 'check the database name', { cause: err });
  }
  if (/timeout/i.test(msg) || e?.code === 'ETIMEDOUT') {
    return new UnavailableError(`${where}: connect timed out`, 'is the host right and reachable? raise --timeout if the network is slow', { cause: err });
  }
  return new UnavailableError(`cannot reach ${where}: ${msg || e?.code}`, 'is the database running? check --database-url', { cause: err });
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
    kysely = new Kysely({ dialect: new PostgresDialect({ pool }) });
  } else {
    const { createPool } = await import('mysql2');
    const pool = createPool({ uri: url, connectionLimit: 4, connectTimeout: timeoutMs, dateStrings: true, timezone: 'local' });
    pool.on('connection', () => {});
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
