import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { census } from '../../src/celery/control/census.js';
import { InterruptedError } from '../../src/core/errors.js';
import { replyBindingKey, requestChannel } from '../../src/celery/control/names.js';
import { deepSweepReplyLeftovers, sweepReplyLeftovers } from '../../src/celery/control/sweep.js';
import { redisNow } from '../../src/celery/read.js';
import { waitFor } from '../helpers/celery.js';
import { mailboxFor, startControlWorker, type ControlWorker } from '../helpers/control.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let worker: ControlWorker;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-leftovers-'));
const CHILD = new URL('../helpers/census-child.mjs', import.meta.url).pathname;
// Another client's reply binding (Celery's own inspect, say): never ours to remove.
const FOREIGN = Buffer.from(
  '390b80bb-c6ef-38e1-bdac-21966ea979ba\x06\x16\x06\x16390b80bb-c6ef-38e1-bdac-21966ea979ba.reply.celery.pidbox',
  'latin1',
);

beforeAll(async () => {
  redis = await claimRedisDb();
  worker = startControlWorker({ brokerUrl: redis.url, name: 'wl@leftovers', log: join(dir, 'tasks.log') });
  await waitFor(
    async () => (await census(redis.client, mailboxFor(redis.client), { idleTimeoutMs: 300 })).workers.length === 1,
    30_000,
    'the worker to answer',
  );
});
afterAll(async () => {
  await worker?.stop();
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});

const replyKeys = async () =>
  (await redis.client.keys('*.reply.celery.pidbox*')).filter((k) => !k.startsWith('_kombu.binding.')).sort();
const loonctlMembers = async () =>
  (await redis.client.smembers(replyBindingKey(mailboxFor(redis.client)))).filter((m) => m.startsWith('loonctl-'));

describe('nothing is left behind', () => {
  it('after 100 censuses: no reply list, no member of ours, the shared set and its other members kept', async () => {
    const mb = mailboxFor(redis.client);
    await redis.client.sadd(replyBindingKey(mb), FOREIGN);
    for (let i = 0; i < 100; i++) {
      const c = await census(redis.client, mb);
      expect(c.workers).toHaveLength(1);
    }
    expect(await replyKeys()).toEqual([]);
    expect(await loonctlMembers()).toEqual([]);
    expect(await redis.client.sismemberBuffer(replyBindingKey(mb), FOREIGN)).toBe(1);
  }, 60_000);

  it('a SIGKILLed census: its member and a late reply list are swept after a minute, never earlier', async () => {
    const mb = mailboxFor(redis.client);
    // A subscriber that never answers keeps the census waiting for it.
    const silent = new Redis(redis.url);
    silent.on('error', () => {});
    await silent.psubscribe(requestChannel(mb).toString());
    const child = spawn(process.execPath, [CHILD, redis.url, '20000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      await waitFor(async () => (await loonctlMembers()).length === 1, 15_000, 'the census to bind its reply queue');
      const [member] = await loonctlMembers();
      const list = member!.split('\x06\x16').pop()!;
      await waitFor(
        async () => (await redis.client.exists(list)) === 0 && (await redis.client.pttl(list)) === -2,
        5000,
        'the worker replies to be taken',
      );
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      expect(out).toBe('');
      // A worker's reply that arrives after the kill recreates the list, with no TTL.
      await redis.client.lpush(list, '{"late": true}');
      expect(await loonctlMembers()).toEqual([member]);

      // A fresh census sweeps nothing younger than a minute...
      await census(redis.client, mb, { idleTimeoutMs: 200 });
      expect(await loonctlMembers()).toEqual([member]);
      // ...and everything older.
      const swept = await sweepReplyLeftovers(redis.client, mb, (await redisNow(redis.client)) + 61);
      expect(swept).toEqual({ members: 1, lists: 1 });
      expect(await loonctlMembers()).toEqual([]);
      expect(await replyKeys()).toEqual([]);
      expect(await redis.client.sismemberBuffer(replyBindingKey(mb), FOREIGN)).toBe(1);
    } finally {
      child.kill('SIGKILL');
      silent.disconnect();
    }
  }, 60_000);

  it('a silent subscriber makes the census untrusted, saying why; an interrupted census cleans up', async () => {
    const mb = mailboxFor(redis.client);
    const silent = new Redis(redis.url);
    silent.on('error', () => {});
    await silent.psubscribe(requestChannel(mb).toString());
    try {
      const c = await census(redis.client, mb, { idleTimeoutMs: 300 });
      expect(c.workers.map((w) => w.hostname)).toEqual(['wl@leftovers']);
      expect(c.receivers).toBe(2);
      expect(c.trusted).toBe(false);
      expect(c.distrust).toEqual([
        expect.stringMatching(/1 subscriber received the census but did not answer within 300 ms/),
      ]);
      const ac = new AbortController();
      const pending = census(redis.client, mb, { idleTimeoutMs: 20_000, signal: ac.signal });
      await waitFor(async () => (await loonctlMembers()).length === 1, 5000, 'the census to bind');
      ac.abort();
      await expect(pending).rejects.toBeInstanceOf(InterruptedError);
      expect(await loonctlMembers()).toEqual([]);
      expect(await replyKeys()).toEqual([]);
      // As on Ctrl-C: the command's context quits the connection right after aborting.
      const own = new Redis(redis.url);
      own.on('error', () => {});
      const ac2 = new AbortController();
      const pending2 = census(own, mb, { idleTimeoutMs: 20_000, signal: ac2.signal });
      await waitFor(async () => (await loonctlMembers()).length === 1, 5000, 'the census to bind');
      ac2.abort();
      const quitting = own.quit();
      await expect(pending2).rejects.toBeInstanceOf(InterruptedError);
      await quitting.catch(() => {});
      expect(await loonctlMembers()).toEqual([]);
    } finally {
      silent.disconnect();
    }
  });

  it('the deep sweep also finds an old loonctl reply list whose binding is gone, and leaves a young one', async () => {
    const mb = mailboxFor(redis.client);
    const now = Math.floor(await redisNow(redis.client));
    await redis.client.lpush(`loonctl-${now - 120}-00aa.reply.celery.pidbox`, 'x');
    await redis.client.lpush(`loonctl-${now}-00bb.reply.celery.pidbox`, 'x');
    const r = await deepSweepReplyLeftovers(redis.client, mb);
    expect(r.lists).toBe(1);
    expect(await replyKeys()).toEqual([`loonctl-${now}-00bb.reply.celery.pidbox`]);
    await redis.client.del(`loonctl-${now}-00bb.reply.celery.pidbox`);
  });
});
