import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { killWorker, publish, startWorker, waitFor } from '../helpers/celery.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-qw-'));
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

/** What kombu's _do_restore_message pushes for each element, computed by kombu itself. */
function kombuRestoreBytes(elements: Buffer[]): Buffer[] {
  const py = [
    'import sys, base64',
    'from kombu.utils.json import loads, dumps',
    'for line in sys.stdin.read().split():',
    '    p = loads(base64.b64decode(line))',
    "    p['headers']['redelivered'] = True",
    "    p['properties']['delivery_info']['redelivered'] = True",
    '    print(base64.b64encode(dumps(p).encode()).decode())',
  ].join('\n');
  const out = execFileSync('/usr/bin/python3', ['-c', py], {
    input: elements.map((e) => e.toString('base64')).join('\n'),
  });
  return out
    .toString()
    .trim()
    .split('\n')
    .map((l) => Buffer.from(l, 'base64'));
}

const cli = (...args: string[]) => runCli(['queue', ...args, '--broker-url', redis.url]);
const ranIds = (log: string): string[] =>
  existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).id)
    : [];

async function runAllWith(queue: string, log: string, expected: string[]): Promise<void> {
  const worker = startWorker({ brokerUrl: redis.url, queues: queue, log });
  try {
    await waitFor(() => ranIds(log).length >= expected.length, 60_000, `the worker to run ${expected.length} tasks`);
    await new Promise((r) => setTimeout(r, 1500)); // a duplicate would show up now
  } finally {
    await killWorker(worker, 'SIGTERM');
  }
  const ran = ranIds(log);
  expect([...ran].sort()).toEqual([...expected].sort()); // every one, exactly once
}

describe('queue write side with real Celery workers', () => {
  it('a SIGKILLed acks_late worker: requeue --unacked --all-ages --yes, then a fresh worker runs every task exactly once', async () => {
    await redis.flush();
    const sent = publish(redis.url, 'many', '12').map((p) => p.id);
    const log1 = join(dir, 'killed.log');
    const w = startWorker({ brokerUrl: redis.url, queues: 'loonflow', log: log1, sleep: 60, prefetch: 4 });
    try {
      await waitFor(async () => (await redis.client.hlen('unacked')) >= 1, 30_000, 'the worker to take tasks');
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await killWorker(w);
    }
    const left = await redis.client.hlen('unacked');
    expect(left).toBeGreaterThan(0);
    expect(ranIds(log1)).toEqual([]);
    const originals = new Map<string, Buffer>();
    for (const [tag, value] of Object.entries(await redis.client.hgetallBuffer('unacked')))
      originals.set(tag, value as Buffer);

    const young = await cli('requeue', '--unacked', '--json');
    // The worker is dead and none answers: the census cannot be trusted, so the visibility timeout rules.
    expect(JSON.parse(young.stdout)).toMatchObject({
      rule: 'visibility-timeout',
      matched: 0,
      restored: 0,
      undecided: left,
    });
    const noYes = await cli('requeue', '--unacked', '--all-ages');
    expect(noYes.code).toBe(2);
    const r = await cli('requeue', '--unacked', '--all-ages', '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ matched: left, restored: left, failed: 0 });
    expect(r.stderr).toMatch(/may run twice/);
    expect(await redis.client.hlen('unacked')).toBe(0);
    expect(await redis.client.zcard('unacked_index')).toBe(0);
    // Byte for byte what kombu's own restore writes (redelivered marked, kombu's json.dumps), at the end that runs next.
    const tail = (await redis.client.lrangeBuffer('loonflow', -left, -1)) as Buffer[];
    const asKombuRestores = kombuRestoreBytes(
      [...originals.values()].map((v) => v.subarray(1, v.length - ', "", "loonflow"]'.length)),
    );
    for (const expected of asKombuRestores) expect(tail.some((el) => el.equals(expected))).toBe(true);

    await runAllWith('loonflow', join(dir, 'fresh.log'), sent);
  }, 120_000);

  it('move to another queue consumed by a worker of that queue runs each task exactly once', async () => {
    await redis.flush();
    const sent = publish(redis.url, 'many', '20').map((p) => p.id);
    const r = await cli('move', 'loonflow', 'loonflow-b', '--yes', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ matched: 20, moved: 20, failed: 0 });
    expect(await redis.client.llen('loonflow')).toBe(0);
    await runAllWith('loonflow-b', join(dir, 'moved.log'), sent);
  }, 120_000);

  it('export + purge + import: a worker then runs each task exactly once', async () => {
    await redis.flush();
    const sent = publish(redis.url, 'many', '15').map((p) => p.id);
    const file = join(dir, 'export.jsonl');
    expect((await cli('export', 'loonflow', '-f', file)).code).toBe(0);
    const before = (await redis.client.lrangeBuffer('loonflow', 0, -1)) as Buffer[];
    const purge = await cli('purge', 'loonflow', '--yes', '--json');
    expect(JSON.parse(purge.stdout)).toMatchObject({ matched: sent.length, removed: sent.length });
    expect(await redis.client.exists('loonflow')).toBe(0);
    const imp = await cli('import', file, '--json');
    expect(JSON.parse(imp.stdout)).toMatchObject({ imported: sent.length, error: null });
    const after = (await redis.client.lrangeBuffer('loonflow', 0, -1)) as Buffer[];
    expect(after.map((b) => b.toString('base64')).sort()).toEqual(before.map((b) => b.toString('base64')).sort());
    await runAllWith('loonflow', join(dir, 'imported.log'), sent);
  }, 120_000);
});
