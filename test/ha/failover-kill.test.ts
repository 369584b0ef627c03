// The other way a master goes: killed (SIGKILL). The sentinels notice (down-after 1 s), agree and promote the
// replica. loonctl's connection drops mid-work: the command in flight stops with exit 69 saying what is certain,
// and lock run finds the new master by itself.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../helpers/celery.js';
import { runCli } from '../helpers/cli.js';
import { countIds, fillQueue, startCli, startSentinelGroup, type SentinelGroup } from '../helpers/ha.js';
import { envelope } from '../helpers/kombu.js';

let forMove: SentinelGroup;
let forLock: SentinelGroup;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-ha-kill-'));
beforeAll(async () => {
  [forMove, forLock] = await Promise.all([startSentinelGroup(), startSentinelGroup()]);
});
afterAll(async () => {
  await Promise.all([forMove?.stop(), forLock?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});
const env = { LOONCTL_SENTINEL_MASTER: 'loonmaster' };

it('queue move with the master killed half-way: exit 69, then a re-run moves the rest; every id once', async () => {
  const g = forMove;
  const master = g.client(await g.masterPort(), 3);
  await fillQueue(master, 'src', 50_000, 'k', (id) => envelope({ id, queue: 'src' }));
  const move = ['--broker-url', g.url(3), 'queue', 'move', 'src', 'dst', '--yes', '--json'];
  const run = await startCli(move, env);
  await waitFor(async () => (await master.llen('dst')) > 0, 20_000, 'the move to start');
  run.child.kill('SIGSTOP');
  master.disconnect();
  const newMaster = await g.killMaster();
  run.child.kill('SIGCONT');
  const outcome = await run.done;
  expect(outcome.code, outcome.stderr).toBe(69);
  expect(outcome.stderr).toMatch(
    /lost the connection to Redis.*moved before that.*\(run the same command again to move the rest\)/,
  );
  const again = await runCli(move, { env });
  expect(again.code, again.stderr).toBe(0);
  const fresh = g.client(newMaster, 3);
  try {
    const counts = await countIds(fresh, ['src', 'dst']);
    expect(counts.size).toBe(50_000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(await fresh.llen('src')).toBe(0);
  } finally {
    fresh.disconnect();
  }
});

it('lock run with the master killed: keeps the lock on the new master (0) or stops its command (76), alone', async () => {
  const g = forLock;
  const log = join(dir, 'holders.log');
  writeFileSync(log, '');
  const holder = (s: number) =>
    `echo "start $LOONCTL_LOCK_TOKEN" >> ${log}; sleep ${s}; echo "end $LOONCTL_LOCK_TOKEN" >> ${log}`;
  const first = await startCli(
    ['--redis-url', g.url(7), 'lock', 'run', 'kill-job', '--ttl', '8s', '--', 'sh', '-c', holder(6)],
    env,
  );
  await waitFor(() => readFileSync(log, 'utf8').includes('start'), 20_000, 'the first holder');
  const newMaster = await g.killMaster();
  // A contender on the new master while the first run is still going.
  const contender = await runCli(['--redis-url', g.url(7), 'lock', 'run', 'kill-job', '--', 'sh', '-c', holder(0)], {
    env,
  });
  const outcome = await first.done;
  expect([0, 76], outcome.stderr).toContain(outcome.code);
  if (outcome.code === 0) expect(contender.code, contender.stderr).toBe(75);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  // The first holder ends before any other starts.
  expect(lines[0]!.startsWith('start ')).toBe(true);
  expect(lines[1]).toBe(lines[0]!.replace('start', 'end'));
  const fresh = g.client(newMaster, 7);
  expect(await fresh.exists('kill-job')).toBe(0);
  fresh.disconnect();
});
