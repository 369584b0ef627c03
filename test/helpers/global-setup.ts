// Checks that Redis, PostgreSQL and MariaDB answer (and stops the run at once with how to start
// them if not), creates this run's throwaway databases, and drops them at the end.
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { TEST_MYSQL_ADMIN_URL, TEST_PG_ADMIN_URL, TEST_REDIS_URL, withDatabase } from './services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    runId: string;
    pgUrl: string;
    mysqlUrl: string;
  }
}

const HOW_TO_START = {
  redis: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
  pg: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  mysql: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
};

async function checkRedis(): Promise<void> {
  const r = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw new Error(
      `Redis at ${TEST_REDIS_URL} is not answering (${(e as Error).message}). Start it: ${HOW_TO_START.redis}`,
      { cause: e },
    );
  } finally {
    r.disconnect();
  }
}

async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL at ${TEST_PG_ADMIN_URL} is not answering (${(e as Error).message}). Start it: ${HOW_TO_START.pg}`,
      { cause: e },
    );
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function mysqlAdmin<T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  let c: mysql.Connection;
  try {
    c = await mysql.createConnection({ uri: TEST_MYSQL_ADMIN_URL, connectTimeout: 3000 });
  } catch (e) {
    throw new Error(
      `MariaDB at ${TEST_MYSQL_ADMIN_URL} is not answering (${(e as Error).message}). Start it: ${HOW_TO_START.mysql}`,
      { cause: e },
    );
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await Promise.all([checkRedis(), pgAdmin(async () => {}), mysqlAdmin(async () => {})]);
  const runId = `loonctl_test_${Date.now().toString(36)}_${process.pid}`;
  await pgAdmin((c) => c.query(`create database ${runId}`));
  await mysqlAdmin((c) => c.query(`create database ${runId} character set utf8mb4`));
  project.provide('runId', runId);
  project.provide('pgUrl', withDatabase(TEST_PG_ADMIN_URL, runId));
  project.provide('mysqlUrl', withDatabase(TEST_MYSQL_ADMIN_URL, runId));

  return async () => {
    // Drops this run's databases and the per-file ones made by test/helpers/db.ts (same prefix).
    await pgAdmin(async (c) => {
      const { rows } = await c.query<{ datname: string }>('select datname from pg_database where datname like $1', [
        `${runId}%`,
      ]);
      for (const r of rows) await c.query(`drop database if exists ${r.datname} with (force)`);
    });
    await mysqlAdmin(async (c) => {
      const [rows] = await c.query(`show databases like '${runId}%'`);
      for (const r of rows as Record<string, string>[])
        await c.query(`drop database if exists \`${Object.values(r)[0]}\``);
    });
  };
}
