import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, runCli } from '../helpers/cli.js';
import { markRedelivered } from '../../src/celery/write/routing.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-qwe-'));
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});
const cli = (...args: string[]) => runCli(['queue', ...args, '--broker-url', redis.url]);
const json = async (...args: string[]) => {
  const r = await cli(...args, '--json');
  return { ...r, data: r.stdout ? JSON.parse(r.stdout) : undefined };
};
async function fill(key: string, n: number, make: (i: number) => Buffer): Promise<void> {
  for (let i = 0; i < n; i += 2000) {
    const p = redis.client.pipeline();
    for (let j = i; j < Math.min(n, i + 2000); j++) p.lpush(key, make(j));
    await p.exec();
  }
}

describe('move and purge keep every message exactly once', () => {
  it('move keeps bucket and order and rewrites only the routing key, byte for byte (non-ASCII, pickle)', async () => {
    await redis.flush();
    const a = envelope({ id: 'a', args: ['工单审批'], kwargs: { 备注: '加急' } });
    const b = envelope({
      id: 'b',
      contentType: 'application/x-python-serialize',
      body: Buffer.from([0x80, 4, 0x95, 0]),
      priority: 6,
    });
    const c = envelope({ id: 'c', args: [3] });
    await redis.client.lpush('loonflow', a, c);
    await redis.client.lpush('loonflow\x06\x166', b);
    await redis.client.lpush('dst', envelope({ id: 'old', queue: 'dst' }));
    const r = await json('move', 'loonflow', 'dst', '--yes');
    expect(r.data).toMatchObject({ matched: 3, moved: 3, failed: 0 });
    expect(r.stderr).toMatch(/'dst' has no binding/); // nothing may consume it
    const rewrite = (x: Buffer) =>
      Buffer.from(x.toString('latin1').replace('"routing_key": "loonflow"', '"routing_key": "dst"'), 'latin1');
    const dst = (await redis.client.lrangeBuffer('dst', 0, -1)) as Buffer[];
    // Worker order in dst: what was there first, then a, then c.
    expect(dst.map((x) => JSON.parse(x.toString()).properties.correlation_id)).toEqual(['c', 'a', 'old']);
    expect(dst[1]!.equals(rewrite(a))).toBe(true);
    expect(dst[0]!.equals(rewrite(c))).toBe(true);
    expect(((await redis.client.lindexBuffer('dst\x06\x166', 0)) as Buffer).equals(rewrite(b))).toBe(true);
    expect(await redis.client.exists('loonflow', 'loonflow\x06\x166')).toBe(0);
    // --keep-routing moves the bytes untouched.
    await json('move', 'dst', 'back', '--keep-routing', '--id', 'a', '--yes');
    expect(((await redis.client.lindexBuffer('back', 0)) as Buffer).equals(rewrite(a))).toBe(true);
  });

  it('a filtered purge with --backup removes exactly the matches and the file holds them, flushed', async () => {
    await redis.flush();
    await fill('loonflow', 3000, (i) =>
      envelope({ id: `m${i}`, task: i % 3 === 0 ? 'tasks.send_ticket_notice' : 'tasks.flow_hook_task', args: [i] }),
    );
    const backup = join(dir, 'purge.jsonl');
    const dry = await json('purge', 'loonflow', '--task', 'tasks.send_*', '--dry-run');
    expect(dry.data).toMatchObject({ dry_run: true, matched: 1000, removed: 0 });
    expect(await redis.client.llen('loonflow')).toBe(3000);
    const r = await json('purge', 'loonflow', '--task', 'tasks.send_*', '--backup', backup, '--yes');
    expect(r.data).toMatchObject({ matched: 1000, removed: 1000 });
    const left = ((await redis.client.lrangeBuffer('loonflow', 0, -1)) as Buffer[]).map(
      (x) => JSON.parse(x.toString()).headers.task,
    );
    expect(left).toHaveLength(2000);
    expect(left.every((t) => t === 'tasks.flow_hook_task')).toBe(true);
    // The backup is a journal: records, then a commit line per window (import reads both).
    const all = readFileSync(backup, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const lines = all.filter((l) => l.message_b64);
    expect(all.filter((l) => l.commit).length).toBeGreaterThan(0);
    expect(lines).toHaveLength(1000);
    expect(lines.every((l) => l.summary.task === 'tasks.send_ticket_notice')).toBe(true);
    const none = await json('purge', 'loonflow', '--task', 'no.such.task', '--yes');
    expect(none.code).toBe(0);
    expect(none.data).toMatchObject({ matched: 0, removed: 0 });
  });

  it('SIGKILL in the middle of a 100,000-message move: nothing lost, nothing duplicated', async () => {
    await redis.flush();
    await fill('src', 100_000, (i) => envelope({ id: `k${i}`, queue: 'src' }));
    const child = spawn(process.execPath, [BIN, 'queue', 'move', 'src', 'dst', '--yes', '--broker-url', redis.url], {
      env: cliEnv(),
      stdio: 'ignore',
    });
    const deadline = Date.now() + 30_000;
    while ((await redis.client.llen('dst')) < 5000 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    // The staged move holds what it has not moved yet in loonctl:pending:src (README: queue move).
    const src = (await redis.client.lrangeBuffer('src', 0, -1)) as Buffer[];
    const pending = (await redis.client.lrangeBuffer('loonctl:pending:src', 0, -1)) as Buffer[];
    const dst = (await redis.client.lrangeBuffer('dst', 0, -1)) as Buffer[];
    expect(dst.length).toBeGreaterThan(0);
    expect(src.length + pending.length + dst.length).toBe(100_000);
    const ids = (els: Buffer[]) => new Set(els.map((x) => JSON.parse(x.toString()).properties.correlation_id));
    expect(ids([...src, ...pending, ...dst]).size).toBe(100_000);
    expect([...src, ...pending, ...dst].some((x) => x.toString().startsWith('loonctl-mark'))).toBe(false);
    // The same command again moves the rest: each message exactly once.
    if (src.length + pending.length) expect((await cli('move', 'src', 'dst', '--yes')).code).toBe(0);
    const all = (await redis.client.lrangeBuffer('dst', 0, -1)) as Buffer[];
    expect(all).toHaveLength(100_000);
    expect(ids(all).size).toBe(100_000);
    expect(await redis.client.exists('src', 'loonctl:pending:src')).toBe(0);
  }, 90_000);

  it('a queue whose every message an interrupted run held aside is still found: the rerun puts them back', async () => {
    await redis.flush();
    // What a filtered purge killed after examining the whole bucket leaves: the source gone, all held.
    const held = [0, 1, 2].map((i) => envelope({ id: `held${i}`, task: 'tasks.flow_hook_task' }));
    await redis.client.lpush('loonctl:held:orphan', ...held);
    const r = await cli('purge', 'orphan', '--task', 'tasks.send_*', '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ removed: 0, recovered: 3 });
    expect(await redis.client.lrangeBuffer('orphan', 0, -1)).toEqual(held.toReversed());
    expect(await redis.client.exists('loonctl:held:orphan')).toBe(0);
  });

  it('while a producer pushes and a consumer pops, move and purge conserve every message', async () => {
    await redis.flush();
    await redis.client.sadd('_kombu.binding.loonflow', 'loonflow\x06\x16\x06\x16loonflow');
    const backup = join(dir, 'live.jsonl');
    let produced = 0;
    await fill('loonflow', 2000, (i) =>
      envelope({ id: `live${produced++}`, task: i % 2 ? 'tasks.flow_hook_task' : 'tasks.send_ticket_notice' }),
    );
    let stop = false;
    const consumed: string[] = [];
    const producer = (async () => {
      while (!stop && produced < 8000) {
        const p = redis.client.pipeline();
        for (let j = 0; j < 50; j++)
          p.lpush(
            'loonflow',
            envelope({
              id: `live${produced++}`,
              task: produced % 2 ? 'tasks.flow_hook_task' : 'tasks.send_ticket_notice',
            }),
          );
        await p.exec();
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const worker = redis.client.duplicate();
    const consumer = (async () => {
      while (!stop) {
        const got = (await worker.brpop('loonflow', 0.2)) as [string, string] | null;
        if (got) consumed.push(JSON.parse(got[1]).properties.correlation_id);
        await new Promise((r) => setTimeout(r, 1)); // a worker that takes its time, so a backlog builds
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const moves = [
      await json('move', 'loonflow', 'other', '--task', 'tasks.send_*', '--yes'),
      await json('purge', 'loonflow', '--task', 'tasks.flow_*', '--backup', backup, '--yes'),
    ];
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all([producer, consumer]);
    worker.disconnect();
    for (const m of moves) expect(m.code).toBe(0);
    expect(moves[0]!.data.moved).toBeGreaterThan(0);
    expect(moves[1]!.data.removed).toBeGreaterThan(0);
    expect(consumed.length).toBeGreaterThan(0);
    const idsOf = async (key: string) =>
      ((await redis.client.lrangeBuffer(key, 0, -1)) as Buffer[]).map(
        (x) => JSON.parse(x.toString()).properties.correlation_id as string,
      );
    const retracted = new Set<string>();
    const backedUp: { id: string; sha: string }[] = [];
    const { createHash } = await import('node:crypto');
    for (const line of readFileSync(backup, 'utf8').trim().split('\n').filter(Boolean)) {
      const rec = JSON.parse(line);
      if (rec.retract) retracted.add(rec.retract);
      else if (rec.commit) continue;
      else
        backedUp.push({
          id: rec.summary.id,
          sha: createHash('sha1').update(Buffer.from(rec.message_b64, 'base64')).digest('hex'),
        });
    }
    const all = [
      ...(await idsOf('loonflow')),
      ...(await idsOf('other')),
      ...consumed,
      ...backedUp.filter((b) => !retracted.has(b.sha)).map((b) => b.id),
    ];
    expect(all).toHaveLength(produced);
    expect(new Set(all).size).toBe(produced);
  }, 60_000);
});

describe('requeue and import edge cases', () => {
  it('requeue by task id; an unacked value that is not JSON is reported and left in place', async () => {
    await redis.flush();
    const el = envelope({ id: 'stuck', priority: 9, args: ['工单'] });
    await redis.client.hset('unacked', 'tag-stuck', unackedValue(el), 'tag-bad', 'garbage{');
    const now = (await redis.client.time())[0];
    await redis.client.zadd('unacked_index', Number(now) - 7200, 'tag-stuck', Number(now) - 7200, 'tag-bad');
    // No worker answers the census: kombu's visibility-timeout rule decides, and says so.
    const r = await json('requeue', '--unacked', '--queue', 'loonflow');
    expect(r.code).toBe(0);
    expect(r.data).toMatchObject({ rule: 'visibility-timeout', matched: 2, restored: 1, failed: 1 });
    expect(r.stderr).toMatch(/census not trusted \(no worker answered/);
    expect(r.stderr).toMatch(/tag-bad left in place/);
    expect(((await redis.client.lindexBuffer('loonflow\x06\x169', -1)) as Buffer).equals(markRedelivered(el))).toBe(
      true,
    );
    expect(await redis.client.hkeys('unacked')).toEqual(['tag-bad']);
    const missing = await cli('requeue', 'no-such-task-id');
    expect(missing.code).toBe(3);
    const neither = await cli('requeue');
    expect(neither.code).toBe(2);
  });

  it('requeue of an ETA task in the future needs --include-eta', async () => {
    await redis.flush();
    const el = envelope({ id: 'later', eta: new Date(Date.now() + 86_400_000).toISOString() });
    await redis.client.hset('unacked', 'tag-later', unackedValue(el));
    await redis.client.zadd('unacked_index', Number((await redis.client.time())[0]) - 7200, 'tag-later');
    const r = await json('requeue', 'later');
    expect(r.data).toMatchObject({ matched: 0, restored: 0 });
    expect(r.data.eta_future).toHaveLength(1);
    expect(r.stderr).toMatch(/--include-eta/);
    expect((await json('requeue', 'later', '--include-eta')).data).toMatchObject({ restored: 1 });
  });

  it('purge --unacked with a backup', async () => {
    await redis.flush();
    await redis.client.sadd('_kombu.binding.loonflow', 'loonflow\x06\x16\x06\x16loonflow');
    const el = envelope({ id: 'gone' });
    await redis.client.hset('unacked', 'tag-gone', unackedValue(el));
    await redis.client.zadd('unacked_index', 1, 'tag-gone');
    const file = join(dir, 'unacked.jsonl');
    const r = await json('purge', 'loonflow', '--unacked', '--backup', file, '--yes');
    expect(r.data).toMatchObject({ matched: 1, removed: 1 });
    expect(await redis.client.exists('unacked', 'unacked_index')).toBe(0);
    const [rec, commit] = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(commit).toMatchObject({ v: 1, commit: rec.window });
    expect(Buffer.from(rec.message_b64, 'base64').equals(el)).toBe(true);
    expect(rec).toMatchObject({ source: 'unacked', unacked_tag: 'tag-gone' });
  });

  it('bad input: unknown queue, src = dst, malformed and truncated import files', async () => {
    await redis.flush();
    expect((await cli('move', 'nosuch', 'x', '--yes')).code).toBe(3);
    expect((await cli('purge', 'nosuch', '--yes')).code).toBe(3);
    expect((await cli('move', 'same', 'same')).code).toBe(2);
    await redis.client.lpush('loonflow', envelope({ id: 'x1' }), envelope({ id: 'x2' }));
    expect((await cli('purge', 'loonflow')).code).toBe(2); // off a terminal without --yes
    expect(await redis.client.llen('loonflow')).toBe(2);
    const file = join(dir, 'trunc.jsonl');
    expect((await cli('export', 'loonflow', '-f', file)).code).toBe(0);
    const full = readFileSync(file, 'utf8');
    writeFileSync(file, full + full.split('\n')[0]!.slice(0, 40)); // a truncated last line
    await redis.client.del('loonflow'); // else the import skips them: they are already in the broker
    const r = await cli('import', file, '--to', 'restored');
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/line 3: not JSON.*imported 2 message/);
    expect(await redis.client.llen('restored')).toBe(2);
    appendFileSync(join(dir, 'notexport.jsonl'), '{"hello": "world"}\n');
    const bad = await cli('import', join(dir, 'notexport.jsonl'));
    expect(bad.code).toBe(65);
    expect(bad.stderr).toMatch(/line 1: not a loonctl export record/);
    expect((await cli('import', join(dir, 'missing.jsonl'))).code).toBe(65);
  });
});

describe('issue 18 through the current command line', () => {
  it("move refuses kombu's keys (2) and a destination that is not a list (1), losing nothing", async () => {
    await redis.flush();
    await redis.client.lpush('loonflow', envelope({ id: 'a' }), envelope({ id: 'b' }));
    expect((await cli('move', 'loonflow', 'unacked', '--yes')).code).toBe(2);
    expect(await redis.client.exists('unacked')).toBe(0);
    await redis.client.set('q2', 'a string');
    for (const filter of [[], ['--task', 'tasks.*']]) {
      const r = await cli('move', 'loonflow', 'q2', ...filter, '--yes');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/holds a string, not a list/);
      expect(await redis.client.llen('loonflow')).toBe(2);
    }
  });

  it('importing the same export twice leaves one copy of each message', async () => {
    await redis.flush();
    await redis.client.lpush('loonflow', envelope({ id: 'a' }), envelope({ id: 'b' }));
    const file = join(dir, 'twice.jsonl');
    expect((await cli('export', 'loonflow', '-f', file)).code).toBe(0);
    await redis.client.del('loonflow');
    expect((await json('import', file)).data).toMatchObject({ imported: 2, skipped: 0 });
    expect((await json('import', file)).data).toMatchObject({ imported: 0, skipped: 2 });
    expect(await redis.client.llen('loonflow')).toBe(2);
  });
});
