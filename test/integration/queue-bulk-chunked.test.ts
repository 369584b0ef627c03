// Issue 14: filtered move and purge walk the list in chunks from the tail, holding kept messages in
// loonctl:held:<bucket> until the bucket is done. Order across chunk boundaries, dry runs, a rerun after
// SIGKILL (held messages put back first), and both ways the held messages return.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeFilter } from '../../src/celery/filter.js';
import { listQueues } from '../../src/celery/list.js';
import { makeTransport } from '../../src/celery/transport.js';
import { bulkTake } from '../../src/celery/write/bulk.js';
import { importFile } from '../../src/celery/write/import.js';
import { BIN, cliEnv, runCli } from '../helpers/cli.js';
import { envelope } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const t = makeTransport();
const dir = mkdtempSync(join(tmpdir(), 'loonctl-chunked-'));
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});
beforeEach(async () => {
  await redis.flush();
});

const notice = (i: number) => i % 3 === 0;
const msg = (i: number, queue = 'loonflow') =>
  envelope({ id: `m${i}`, queue, task: notice(i) ? 'tasks.send_ticket_notice' : 'tasks.flow_hook_task', args: [i] });
/** Pushes messages 0..n-1 as a producer would: 0 is the oldest (at the tail). */
async function fill(key: string, n: number, make = (i: number) => msg(i)): Promise<void> {
  for (let i = 0; i < n; i += 2000) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 2000); j++) batch.push(make(j));
    await redis.client.lpush(key, ...batch);
  }
}
/** Ids in worker order (the tail, which runs next, first). */
const idsOf = async (key: string) =>
  ((await redis.client.lrangeBuffer(key, 0, -1)) as Buffer[])
    .map((x) => JSON.parse(x.toString()).properties.correlation_id as string)
    .reverse();
const range = (n: number, keep: (i: number) => boolean) =>
  Array.from({ length: n }, (_, i) => i)
    .filter(keep)
    .map((i) => `m${i}`);
const loonctlKeys = async () => (await redis.client.keys('loonctl:*')).sort();
const notices = makeFilter({ task: 'tasks.send_*' });

describe('chunked filtered move and purge', () => {
  it('purge keeps the order of the rest across chunk boundaries (3,500 messages, chunks of 1,000)', async () => {
    await fill('loonflow', 3500);
    const r = await bulkTake(redis.client, t, 'loonflow', { mode: 'purge', filter: notices, dryRun: false });
    expect(r).toMatchObject({ scanned: 3500, matched: 1167, done: 1167, vanished: 0 });
    expect(await idsOf('loonflow')).toEqual(range(3500, (i) => !notice(i)));
    expect(await loonctlKeys()).toEqual([]);
  });

  it('move keeps bucket and order on both sides, with --limit stopping part-way through a chunk', async () => {
    await fill('loonflow', 2500);
    await fill('loonflow\x06\x166', 300, (i) => msg(10_000 + i));
    const r = await bulkTake(redis.client, t, 'loonflow', {
      mode: 'move',
      filter: notices,
      limit: 700,
      dryRun: false,
      dst: { queue: 'slow', keepRouting: false },
    });
    expect(r).toMatchObject({ matched: 700, done: 700 });
    const moved = range(2500, notice).slice(0, 700);
    expect(await idsOf('slow')).toEqual(moved);
    expect(await idsOf('loonflow')).toEqual(range(2500, (i) => !moved.includes(`m${i}`)));
    expect(await redis.client.llen('loonflow\x06\x166')).toBe(300); // the limit was reached in bucket 0
    const first = JSON.parse(((await redis.client.lindexBuffer('slow', -1)) as Buffer).toString());
    expect(first.properties.delivery_info.routing_key).toBe('slow');
    expect(await loonctlKeys()).toEqual([]);
  });

  it('a dry run changes nothing and counts what a real run takes', async () => {
    await fill('loonflow', 2500);
    await fill('loonflow\x06\x163', 50, (i) => msg(20_000 + i));
    const before = await redis.client.dumpBuffer('loonflow');
    const before3 = await redis.client.dumpBuffer('loonflow\x06\x163');
    const dry = await bulkTake(redis.client, t, 'loonflow', { mode: 'purge', filter: notices, dryRun: true });
    const dryMove = await bulkTake(redis.client, t, 'loonflow', {
      mode: 'move',
      filter: notices,
      limit: 10,
      dryRun: true,
      dst: { queue: 'slow', keepRouting: true },
    });
    expect(await redis.client.dumpBuffer('loonflow')).toEqual(before);
    expect(await redis.client.dumpBuffer('loonflow\x06\x163')).toEqual(before3);
    expect((await redis.client.keys('*')).sort()).toEqual(['loonflow', 'loonflow\x06\x163']);
    expect(dryMove).toMatchObject({ matched: 10, done: 0 });
    const real = await bulkTake(redis.client, t, 'loonflow', { mode: 'purge', filter: notices, dryRun: false });
    expect(dry).toMatchObject({ matched: real.matched, scanned: real.scanned, done: 0 });
  });
});

/** A pid that belonged to a process of this host and is gone now. */
function deadPid(): number {
  const p = spawnSync('true');
  return p.pid!;
}

describe('held messages of an interrupted run are put back, in order, before anything else', () => {
  for (const [label, sourceN, heldN] of [
    ['few held: onto the source tail', 3, 4],
    ['many held, long source: the source moves onto held, then held is renamed', 7000, 6000],
  ] as const) {
    it(
      label,
      async () => {
        // The logical queue is source ++ next ++ pending ++ held (head to tail): s* newest, then n*, p*, and
        // h* oldest.
        const src = Array.from({ length: sourceN }, (_, i) => `s${i}`);
        const next = ['n2', 'n1', 'n0'];
        const pending = ['p1', 'p0'];
        const held = Array.from({ length: heldN }, (_, i) => `h${heldN - 1 - i}`);
        const el = (id: string) => envelope({ id, task: 'tasks.flow_hook_task' });
        for (const [key, ids] of [
          ['loonflow', src],
          ['loonctl:next:loonflow', next],
          ['loonctl:pending:loonflow', pending],
          ['loonctl:held:loonflow', held],
        ] as const)
          for (let i = 0; i < ids.length; i += 1000) await redis.client.rpush(key, ...ids.slice(i, i + 1000).map(el));
        await redis.client.set('loonctl:bulk-lock:loonflow', `${hostname()} ${deadPid()} dead`, 'PX', 60_000);
        const expected = [...src, ...next, ...pending, ...held].reverse();

        const listed = await listQueues(redis.client, t, true);
        expect(listed.map((q) => q.name.toString())).toEqual(['loonflow']);

        const dry = await bulkTake(redis.client, t, 'loonflow', { mode: 'purge', filter: notices, dryRun: true });
        expect(dry.recovered).toBe(next.length + pending.length + heldN);
        expect(await redis.client.llen('loonctl:held:loonflow')).toBe(heldN);

        const r = await bulkTake(redis.client, t, 'loonflow', { mode: 'purge', filter: notices, dryRun: false });
        expect(r).toMatchObject({
          recovered: next.length + pending.length + heldN,
          scanned: expected.length,
          matched: 0,
        });
        expect(await idsOf('loonflow')).toEqual(expected);
        expect(await loonctlKeys()).toEqual([]);
      },
      30_000,
    );
  }

  it('a live holder on this host: refused with exit 75, nothing touched', async () => {
    await fill('loonflow', 10);
    const sleeper = spawn('sleep', ['30']);
    try {
      await redis.client.set('loonctl:bulk-lock:loonflow', `${hostname()} ${sleeper.pid} live`, 'PX', 60_000);
      const err = await bulkTake(redis.client, t, 'loonflow', { mode: 'purge', filter: notices, dryRun: false }).catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ exitCode: 75, message: expect.stringMatching(/another loonctl/) });
      expect(await redis.client.llen('loonflow')).toBe(10);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });
});

describe('SIGKILL in the middle of a filtered purge with --backup, then the same command again', () => {
  it('the queue ends as the exact expected set, in order; the backup imports each purged message once', async () => {
    const n = 60_000;
    await fill('loonflow', n);
    const backup = join(dir, 'killed.jsonl');
    const args = ['queue', 'purge', 'loonflow', '--task', 'tasks.send_*', '--backup', backup, '--yes'];
    const child = spawn(process.execPath, [BIN, ...args, '--broker-url', redis.url], {
      env: cliEnv(),
      stdio: 'ignore',
    });
    const deadline = Date.now() + 60_000;
    while ((await redis.client.llen('loonctl:held:loonflow')) < 3000 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    // Mid-way: kept messages are held, none lost.
    const heldNow = await redis.client.llen('loonctl:held:loonflow');
    expect(heldNow).toBeGreaterThanOrEqual(3000);
    expect(await redis.client.llen('loonflow')).toBeGreaterThan(0);

    const again = await runCli([...args, '--append', '--broker-url', redis.url, '--json'], { timeoutMs: 60_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/put back \d+ message\(s\) held by an interrupted/);
    expect(JSON.parse(again.stdout).recovered).toBeGreaterThanOrEqual(heldNow);
    expect(await idsOf('loonflow')).toEqual(range(n, (i) => !notice(i)));
    expect(await loonctlKeys()).toEqual(
      (await redis.client.keys('loonctl:backup-journal:*')).sort(), // at most the killed run's last window
    );

    // What `queue import` would bring back: every purged message exactly once.
    const lines = readFileSync(backup, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    const res = await importFile(redis.client, t, backup, { to: 'restored', dryRun: false, allowDuplicates: true });
    expect(res.error).toBeUndefined();
    expect((await idsOf('restored')).sort()).toEqual(range(n, notice).sort());
  }, 120_000);
});
