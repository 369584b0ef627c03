// kombu's unacked_mutex left behind by a loonctl that died (kill -9, or a release sent to a master that was
// then failed over) is recognised by its token and taken over. (Anyone else's is waited for, as before.)
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

async function oneUnacked(): Promise<void> {
  await redis.flush();
  await redis.client.hset('unacked', 'tag-x', unackedValue(envelope({ id: 'x' })));
  await redis.client.zadd('unacked_index', 1000, 'tag-x');
}

it("a dead loonctl's mutex on this host is taken over", async () => {
  await oneUnacked();
  const dead = spawnSync('true').pid; // a pid that has just exited
  await redis.client.set('unacked_mutex', `loonctl:${hostname()}:${dead}:0123abcd`, 'PX', 300_000);
  const r = await runCli(['queue', 'requeue', '--unacked', '--json', '--broker-url', redis.url]);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ restored: 1 });
  expect(await redis.client.exists('unacked_mutex')).toBe(0);
});
