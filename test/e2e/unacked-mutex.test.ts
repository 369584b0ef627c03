// Issue 18 item 16: loonctl's own unacked_mutex, left behind by a loonctl that died, is named as
// loonctl's (not "a worker is restoring") with the way to clear it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockBusyError } from '../../src/core/errors.js';
import { makeTransport } from '../../src/celery/transport.js';
import { clearStaleUnackedMutex, withUnackedMutex } from '../../src/celery/write/mutex.js';
import { connectRedis } from '../../src/redis/connect.js';
import { runCli } from '../helpers/cli.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

const t = makeTransport();
const busyError = async () => {
  const client = await connectRedis(redis.url, { timeoutMs: 2000, role: 'broker' });
  try {
    return (await withUnackedMutex(client, t, 0, async () => 'ran').catch((e: unknown) => e)) as LockBusyError | string;
  } finally {
    client.disconnect();
  }
};

describe("loonctl's own unacked_mutex", () => {
  it("is named as loonctl's with its token and a command that clears it", async () => {
    const holder = await connectRedis(redis.url, { timeoutMs: 2000, role: 'broker' });
    let finish!: () => void;
    const held = withUnackedMutex(holder, t, 0, () => new Promise<void>((r) => (finish = r)));
    await new Promise((r) => setTimeout(r, 50));
    const token = await redis.client.get('unacked_mutex');
    expect(token).toMatch(/^[0-9a-f]{32}$/);

    const e = await busyError();
    expect(e).toBeInstanceOf(LockBusyError);
    const err = e as LockBusyError;
    expect(err.message).toMatch(new RegExp(`unacked_mutex is held by loonctl itself \\(.*pid ${process.pid}`));
    expect(err.message).not.toMatch(/a worker is restoring/);
    expect(err.hint).toContain(`loonctl lock release --force unacked_mutex --expect-token ${token}`);
    const show = await runCli(['lock', 'show', 'unacked_mutex', '--json', '--redis-url', redis.url]);
    expect(JSON.parse(show.stdout)).toMatchObject({ kind: 'loonctl', token });

    expect(await clearStaleUnackedMutex(redis.client, t, 'f'.repeat(32))).toBe(false);
    expect(await clearStaleUnackedMutex(redis.client, t, token!)).toBe(true);
    expect(await redis.client.exists('unacked_mutex', 'loonctl:lock-meta:unacked_mutex')).toBe(0);
    expect(await busyError()).toBe('ran');
    finish();
    await held;
    holder.disconnect();
  });

  it("a worker's mutex is still reported as a worker restoring, with its token", async () => {
    await redis.client.set('unacked_mutex', 'a'.repeat(32), 'PX', 60_000);
    const e = (await busyError()) as LockBusyError;
    expect(e).toBeInstanceOf(LockBusyError);
    expect(e.message).toMatch(/a worker is restoring/);
    expect(e.message).toContain('a'.repeat(32));
    await redis.client.del('unacked_mutex');
  });
});
