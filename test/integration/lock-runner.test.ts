// LockRunner's options that the command layer does not pass on yet, tested on the domain API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockLostError, TimedOutError, UsageError } from '../../src/core/errors.js';
import { connectRedis } from '../../src/redis/connect.js';
import { acquire, currentOwner } from '../../src/lock/locks.js';
import { LockRunner, checkRunOptions, checkRunTtl, type RunUnderLockOptions } from '../../src/lock/run.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

async function runUnderLock(name: string, argv: string[], extra: Partial<RunUnderLockOptions> = {}) {
  const client = await connectRedis(redis.url, { timeoutMs: 2000, role: 'redis' });
  const r = await acquire(client, name, 5000, currentOwner(argv), { waitMs: 0 });
  if (!('acquired' in r)) throw new Error('busy');
  const log: string[] = [];
  const runner = new LockRunner(client, {
    lock: r.acquired,
    argv,
    ttlMs: 5000,
    onLost: 'term',
    killAfterMs: 1000,
    env: process.env,
    log: (m) => log.push(m),
    ...extra,
  });
  return { outcome: runner.run(), log };
}

describe('LockRunner', () => {
  it('maxRuntimeMs stops the group and throws TimedOutError (124); the lock is released', async () => {
    const { outcome } = await runUnderLock('slow', ['sleep', '30'], { maxRuntimeMs: 300 });
    const e = await outcome.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimedOutError);
    expect((e as TimedOutError).exitCode).toBe(124);
    expect(await redis.client.exists('slow')).toBe(0);
  });

  it('a job that finishes in time is not affected by maxRuntimeMs', async () => {
    const { outcome } = await runUnderLock('quick', ['sh', '-c', 'exit 4'], { maxRuntimeMs: 30_000 });
    expect((await outcome).code).toBe(4);
  });

  it('a lost lock throws LockLostError (76) with --on-lost ignore too, after the job finished', async () => {
    const { outcome, log } = await runUnderLock(
      'lost',
      ['sh', '-c', 'redis-cli -u "$URL" DEL lost >/dev/null; sleep 1; exit 5'],
      {
        onLost: 'ignore',
        ttlMs: 600,
        env: { ...process.env, URL: redis.url },
      },
    );
    const e = await outcome.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LockLostError);
    expect((e as LockLostError).hint).toMatch(/exited 5/);
    expect(log.join('\n')).toMatch(/lost: the lock was deleted or expired/);
  });

  it('TTLs under the minimum are usage errors', () => {
    expect(() => checkRunTtl(1)).toThrow(UsageError);
    expect(() => checkRunTtl(499)).toThrow(/at least 500ms/);
    expect(() => checkRunTtl(500)).not.toThrow();
    expect(() => checkRunOptions({ ttlMs: 30_000, maxRuntimeMs: 0 })).toThrow(UsageError);
    expect(() => checkRunOptions({ ttlMs: 30_000, maxRuntimeMs: 25 * 86_400_000 })).toThrow(/at most 24d/);
  });
});
