// Fresh databases for one test file, inside this run's namespace (dropped by global teardown).
import mysql from 'mysql2/promise';
import pg from 'pg';
import { inject } from 'vitest';
import { TEST_MYSQL_ADMIN_URL, TEST_PG_ADMIN_URL, withDatabase } from './services.js';

let n = 0;
function freshName(): string {
  return `${inject('runId')}_${process.pid}_${++n}`;
}

export async function createPgDatabase(): Promise<string> {
  const name = freshName();
  const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(`create database ${name}`);
  } finally {
    await c.end();
  }
  return withDatabase(TEST_PG_ADMIN_URL, name);
}

export async function createMysqlDatabase(): Promise<string> {
  const name = freshName();
  const c = await mysql.createConnection({ uri: TEST_MYSQL_ADMIN_URL });
  try {
    await c.query(`create database ${name} character set utf8mb4`);
  } finally {
    await c.end();
  }
  return withDatabase(TEST_MYSQL_ADMIN_URL, name);
}

/** Runs SQL against a PostgreSQL URL with a short-lived client. */
export async function pgQuery<R extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  text: string,
  values?: unknown[],
): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text, values)).rows;
  } finally {
    await c.end();
  }
}

export async function mysqlQuery(url: string, text: string, values?: unknown[]): Promise<unknown[]> {
  const c = await mysql.createConnection({ uri: url, multipleStatements: true });
  try {
    const [rows] = await c.query(text, values);
    return rows as unknown[];
  } finally {
    await c.end();
  }
}
