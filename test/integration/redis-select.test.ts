import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/redis/connect.js';
import { runCli } from '../helpers/cli.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { TEST_REDIS_URL, withRedisDb } from '../helpers/services.js';

let redis: TestRedis;
let databases: number;
beforeAll(async () => {
  redis = await claimRedisDb();
  databases = Number(((await redis.client.config('GET', 'databases')) as string[])[1]);
});
afterAll(async () => {
  await redis.release();
});

describe('a db index the server does not have', () => {
  it('is an error when connecting, never a silent db 0', async () => {
    const url = withRedisDb(TEST_REDIS_URL, databases);
    const err = await connectRedis(url, { timeoutMs: 2000, role: 'broker' }).then(
      (c) => {
        c.disconnect();
        return undefined;
      },
      (e: unknown) => e as { exitCode: number; message: string },
    );
    expect(err?.exitCode).toBe(2);
    expect(err?.message).toMatch(/database index/);
  });

  it('a valid index is selected: keys land in that db', async () => {
    const c = await connectRedis(redis.url, { timeoutMs: 2000, role: 'broker' });
    await c.set('select-probe', '1');
    c.disconnect();
    expect(await redis.client.get('select-probe')).toBe('1');
    await redis.client.del('select-probe');
  });

  it('queue purge and serial next exit 2 and touch nothing', async () => {
    const url = withRedisDb(TEST_REDIS_URL, 99999);
    const purge = await runCli(['queue', 'purge', 'q', '--yes', '--broker-url', url]);
    expect(purge.code).toBe(2);
    expect(purge.stderr).toMatch(/database index 99999/);
    const next = await runCli(['serial', 'next', '--redis-url', url, '--database-url', 'postgres://127.0.0.1:1/none']);
    expect(next.code).toBe(2);
  });
});
