// Issue 19 items 6, 14, 15 and 16: a database or Redis that fails under a running command gives
// exit 69 with one line and what was done so far; nothing crashes, nothing prints on stderr.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportLine } from '../../src/celery/export-format.js';
import { exportQueue } from '../../src/celery/export.js';
import { makeTransport } from '../../src/celery/transport.js';
import { importFile } from '../../src/celery/write/import.js';
import { connectRedis } from '../../src/redis/connect.js';
import { classifyRedisError } from '../../src/redis/errors.js';
import { createMysqlDatabase, createPgDatabase } from '../helpers/db.js';
import { envelope } from '../helpers/kombu.js';
import { startPrivateRedis } from '../helpers/processes.js';

const t = makeTransport();
const dir = mkdtempSync(join(tmpdir(), 'loonctl-faults-'));
let server: { port: number; stop: () => void };
let admin: Redis;
beforeAll(async () => {
  server = await startPrivateRedis(['--maxmemory', '3mb', '--maxmemory-policy', 'noeviction']);
  admin = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
  admin.on('error', () => {});
  await admin.connect();
});
afterAll(() => {
  admin.disconnect();
  server.stop();
});
const url = () => `redis://127.0.0.1:${server.port}/0`;

describe('Redis failing mid-command', () => {
  it('connection lost during an export: exit 69 with the count written so far (item 14)', async () => {
    await admin.flushdb();
    for (let i = 0; i < 50; i++) await admin.lpush('loonflow', envelope({ id: `m-${i}`, args: ['x'.repeat(1000)] }));
    const client = await connectRedis(url(), { timeoutMs: 2000, role: 'broker' });
    const id = await client.client('ID');
    let written = 0;
    const err = await exportQueue(
      client,
      t,
      Buffer.from('loonflow'),
      { filter: null, unacked: false },
      async (_lines, count) => {
        written += count;
        if (written >= 1) await admin.client('KILL', 'ID', String(id));
      },
    ).catch((e: unknown) => e);
    client.disconnect();
    expect(err).toMatchObject({ exitCode: 69 });
    expect((err as Error).message).toMatch(new RegExp(`lost the connection to Redis; exported ${written} message`));
    expect(written).toBeLessThan(50);
  });

  it('maxmemory during an import: exit 69, and the count says exactly what is in Redis (item 15)', async () => {
    await admin.flushdb();
    const file = join(dir, 'big.jsonl');
    const el = envelope({ id: 'x', args: ['y'.repeat(4000)] });
    const line = exportLine({
      v: 1,
      source: 'queue',
      queue: 'loonflow',
      bucket: 0,
      position: 0,
      delivery_tag: null,
      message_b64: el.toString('base64'),
    });
    writeFileSync(file, line.repeat(3000));
    const client = await connectRedis(url(), { timeoutMs: 2000, role: 'broker' });
    const err = await importFile(client, t, file, { allowDuplicates: true, dryRun: false }).catch((e: unknown) => e);
    client.disconnect();
    expect(err).toMatchObject({ exitCode: 69 });
    const inRedis = await admin.llen('loonflow');
    expect(inRedis).toBeGreaterThan(0);
    expect((err as Error).message).toMatch(new RegExp(`out of memory.*imported ${inRedis} message\\(s\\)`));
    await admin.flushdb();
  });

  it('an ACL user without permission: exit 69, and ioredis prints nothing (item 16)', async () => {
    await admin.flushdb();
    await admin.lpush('loonflow', envelope({ id: 'a' }));
    await admin.call('ACL', 'SETUSER', 'reader', 'on', '>pw', '~*', '+@all', '-info', '-lrange');
    const warn = vi.spyOn(console, 'warn');
    try {
      const client = await connectRedis(`redis://reader:pw@127.0.0.1:${server.port}/0`, {
        timeoutMs: 2000,
        role: 'broker',
      });
      const err = await exportQueue(
        client,
        t,
        Buffer.from('loonflow'),
        { filter: null, unacked: false },
        () => {},
      ).catch((e: unknown) => e);
      client.disconnect();
      expect(err).toMatchObject({ exitCode: 69, message: expect.stringMatching(/NOPERM/) });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      await admin.call('ACL', 'DELUSER', 'reader');
    }
  });

  it('classifies the raw errors for the mapper in src/cli.ts', () => {
    expect(classifyRedisError(new Error('Connection is closed.'))?.exitCode).toBe(69);
    expect(classifyRedisError(new Error("OOM command not allowed when used memory > 'maxmemory'."))?.exitCode).toBe(69);
    expect(
      classifyRedisError(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))?.exitCode,
    ).toBe(1);
    expect(classifyRedisError(new TypeError('x is undefined'))).toBeUndefined();
  });
});

/** Runs a script in a child node (an uncaught 'error' event kills it with a stack: that is the bug). */
function runNode(code: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      cwd: new URL('../..', import.meta.url).pathname,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (c) => resolve({ code: c, stdout, stderr }));
  });
}

describe('the database lost while a pooled connection is checked out (item 6)', () => {
  const script = (dbUrl: string, kill: string) => `
    import { sql } from 'kysely';
    import { connectDatabase, withDatabase } from './dist/db/connect.js';
    const db = await connectDatabase(${JSON.stringify(dbUrl)}, 5000);
    const killer = await connectDatabase(${JSON.stringify(dbUrl)}, 5000);
    await db.kysely.connection().execute(async (conn) => {
      const id = (await sql\`select ${kill.includes('pg_') ? 'pg_backend_pid()' : 'connection_id()'} as id\`.execute(conn)).rows[0].id;
      await sql.raw(${JSON.stringify(kill)}.replace('ID', String(id))).execute(killer.kysely).catch(() => {});
      await new Promise((r) => setTimeout(r, 300));
      const e = await withDatabase(db, () => sql\`select 1\`.execute(conn)).catch((e) => e);
      console.log(JSON.stringify({ exitCode: e?.exitCode ?? null, message: e?.message ?? null }));
    }).catch((e) => console.log(JSON.stringify({ outer: e?.exitCode ?? e?.message })));
    await killer.destroy();
    await db.destroy().catch(() => {});
  `;

  it('PostgreSQL: no crash, the query fails as unavailable (69)', async () => {
    const r = await runNode(script(await createPgDatabase(), 'select pg_terminate_backend(ID)'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n')[0]!)).toMatchObject({ exitCode: 69 });
  });

  it('MySQL: the same', async () => {
    const r = await runNode(script(await createMysqlDatabase(), 'kill ID'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n')[0]!)).toMatchObject({ exitCode: 69 });
  });
});
