// Issue 11: kombu 4.6.7 (LoonFlow 1.x, 2.0.0-2.0.13) takes unacked_mutex with SETNX then EXPIRE 300 and a
// uuid4 string as value; a crash between the two leaves it with no TTL. loonctl names the form, the TTL left
// or that it never expires, and how to clear it; doctor warns about a TTL-less one.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LockBusyError } from '../../src/core/errors.js';
import { makeTransport } from '../../src/celery/transport.js';
import { withUnackedMutex } from '../../src/celery/write/mutex.js';
import { unackedMutexCheck } from '../../src/doctor/unacked-mutex-check.js';
import { connectRedis } from '../../src/redis/connect.js';
import { runCli } from '../helpers/cli.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterEach(async () => {
  await redis.client.del('unacked_mutex');
});
afterAll(async () => {
  await redis.release();
});

const t = makeTransport();
const KOMBU_467 = '8c5b1f3e-2d4a-4e6b-9f0a-1b2c3d4e5f60';
const busyError = async (waitMs = 0) => {
  const client = await connectRedis(redis.url, { timeoutMs: 2000, role: 'broker' });
  try {
    return (await withUnackedMutex(client, t, waitMs, async () => 'ran').catch((e: unknown) => e)) as
      LockBusyError | string;
  } finally {
    client.disconnect();
  }
};

describe('kombu 4.6.7 unacked_mutex', () => {
  it('held with its 300 s expiry: named as kombu 4.6.7 with the time left and why it lingers', async () => {
    await redis.client.set('unacked_mutex', KOMBU_467, 'EX', 300);
    const e = (await busyError()) as LockBusyError;
    expect(e).toBeInstanceOf(LockBusyError);
    expect(e.message).toContain('kombu 4.6.7');
    expect(e.message).toContain(KOMBU_467);
    expect(e.message).toMatch(/\b(299|300)s left/);
    expect(e.hint).toMatch(/lingers .*300 s after every restore/);
    expect(e.hint).toContain('--mutex-wait');
  });

  it('tells the caller once what it is waiting for, before waiting', async () => {
    await redis.client.set('unacked_mutex', KOMBU_467, 'EX', 300);
    const client = await connectRedis(redis.url, { timeoutMs: 2000, role: 'broker' });
    const told: string[] = [];
    const e = await withUnackedMutex(
      client,
      t,
      300,
      async () => 'ran',
      (what) => told.push(what),
    ).catch((x: unknown) => x);
    client.disconnect();
    expect(e).toBeInstanceOf(LockBusyError);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(
      /^waiting up to 0\.3s for unacked_mutex, held by kombu 4\.6\.7 .*token 8c5b1f3e.*\b(299|300)s left/,
    );
  });

  it('with no TTL: says it will never expire and gives the command that clears it, without waiting it out', async () => {
    await redis.client.set('unacked_mutex', KOMBU_467);
    // A wait far longer than the test's timeout: only giving up early lets this finish.
    const e = (await busyError(600_000)) as LockBusyError;
    expect(e).toBeInstanceOf(LockBusyError);
    expect(e.message).toContain('no TTL: it will never expire by itself');
    expect(e.hint).toContain(`loonctl lock release --force unacked_mutex --expect-token ${KOMBU_467}`);
  });

  it("a redis-py worker's mutex (bare token, PX) is a worker restoring, with the time left", async () => {
    await redis.client.set('unacked_mutex', 'b'.repeat(32), 'PX', 60_000);
    const e = (await busyError()) as LockBusyError;
    expect(e.message).toMatch(/a worker is restoring/);
    expect(e.message).toMatch(/redis-py/);
    expect(e.message).toMatch(/\b(59|60)s left/);
  });

  it('doctor check: warns about a TTL-less mutex with the clearing command, ok otherwise', async () => {
    expect((await unackedMutexCheck(redis.client, t)).status).toBe('ok');
    await redis.client.set('unacked_mutex', KOMBU_467, 'EX', 300);
    const held = await unackedMutexCheck(redis.client, t);
    expect(held.status).toBe('ok');
    expect(held.detail).toContain('kombu 4.6.7');
    await redis.client.persist('unacked_mutex');
    const stuck = await unackedMutexCheck(redis.client, t);
    expect(stuck.status).toBe('warn');
    expect(stuck.detail).toContain('no TTL: it will never expire by itself');
    expect(stuck.detail).toContain(`loonctl lock release --force unacked_mutex --expect-token ${KOMBU_467}`);
    expect(stuck.data).toMatchObject({ form: 'kombu-4.6.7', ttl_ms: null, never_expires: true });
  });

  it('--mutex-wait is accepted by queue purge --unacked and reported when the mutex stays held', async () => {
    await redis.client.set('unacked_mutex', KOMBU_467, 'EX', 300);
    await redis.client.sadd('_kombu.binding.celery', 'celery\x06\x16\x06\x16celery');
    const r = await runCli([
      'queue',
      'purge',
      'celery',
      '--unacked',
      '--yes',
      '--mutex-wait',
      '200ms',
      '--redis-url',
      redis.url,
    ]);
    expect(r.stderr).toContain('kombu 4.6.7');
    expect(r.stderr).toMatch(/waiting up to 0\.2s for unacked_mutex, held by kombu 4\.6\.7/);
    expect(r.code).toBe(75);
  });
});
