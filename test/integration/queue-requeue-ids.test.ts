import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTransport } from '../../src/celery/transport.js';
import {
  assertAllRequeued,
  requeueIdOutcomes,
  restoreNeedsConfirmation,
  restoreUnacked,
} from '../../src/celery/write/restore.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const t = makeTransport();
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

const NOW = 2_000_000_000;
async function seed(id: string, takenAgoS: number, eta: string | null = null): Promise<void> {
  await redis.client.hset('unacked', `tag-${id}`, unackedValue(envelope({ id, eta })));
  await redis.client.zadd('unacked_index', NOW - takenAgoS, `tag-${id}`);
}

describe('queue requeue <id>: an outcome and a reason per id, never a silent exit 0', () => {
  it('young and future-ETA entries are refused with their reason; unknown ids are not found', async () => {
    await redis.flush();
    await seed('old', 7200);
    await seed('young', 5);
    await seed('later', 7200, '2099-01-01T00:00:00+00:00');
    const ids = ['old', 'young', 'later', 'nowhere'];
    const r = await restoreUnacked(redis.client, t, {
      ids: new Set(ids),
      olderThanS: 3600,
      includeEta: false,
      filter: null,
      dryRun: false,
      now: NOW,
    });
    const outcomes = requeueIdOutcomes(ids, r, 3600);
    expect(outcomes.map((o) => o.outcome)).toEqual(['restored', 'refused', 'refused', 'not found']);
    expect(outcomes[1]!.reason).toMatch(/taken 5s ago, younger than 3600s/);
    expect(outcomes[2]!.reason).toMatch(/ETA 2099/);
    expect(() => assertAllRequeued(outcomes)).toThrow(
      expect.objectContaining({ exitCode: 3, message: expect.stringMatching(/nowhere/) }),
    );
    const found = outcomes.filter((o) => o.outcome !== 'not found');
    expect(() => assertAllRequeued(found)).toThrow(
      expect.objectContaining({ exitCode: 1, message: expect.stringMatching(/young: taken 5s.*later: ETA/) }),
    );
    expect(() => assertAllRequeued(outcomes.slice(0, 1))).not.toThrow();
    expect(await redis.client.hkeys('unacked')).toEqual(expect.arrayContaining(['tag-young', 'tag-later']));
  });

  it('a visibility timeout of 0 does not bypass the confirmation --older-than 0 needs', () => {
    expect(restoreNeedsConfirmation(0, 0)).toBe(true);
    expect(restoreNeedsConfirmation(0, 3600)).toBe(true);
    expect(restoreNeedsConfirmation(3600, 3600)).toBe(false);
    expect(restoreNeedsConfirmation(600, 600)).toBe(false);
  });
});
