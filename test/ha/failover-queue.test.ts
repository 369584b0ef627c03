// queue move and queue requeue with a Sentinel failover in the middle: loonctl is frozen (SIGSTOP) after it has
// started, the sentinels promote the replica, and loonctl resumes talking to the old master, which still accepts
// writes for seconds and will then be resynced from the new one. Afterwards every id is on the new master
// exactly once, and loonctl never reported as done what the new master does not have.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/celery.js';
import { countIds, fillQueue, startCli, startSentinelGroup, type SentinelGroup } from '../helpers/ha.js';
import { envelope, unackedValue } from '../helpers/kombu.js';
import { runCli } from '../helpers/cli.js';

const PW = 'fq-master-pw';
// A group per test: after a failover the old master needs seconds to rejoin before the next one can happen.
let forMove: SentinelGroup;
let forRequeue: SentinelGroup;
beforeAll(async () => {
  [forMove, forRequeue] = await Promise.all([
    startSentinelGroup({ masterPassword: PW }),
    startSentinelGroup({ masterPassword: PW }),
  ]);
});
afterAll(async () => {
  await Promise.all([forMove?.stop(), forRequeue?.stop()]);
});

const env = { LOONCTL_SENTINEL_MASTER: 'loonmaster' };
const args = (g: SentinelGroup, db: number, ...rest: string[]) => ['--broker-url', g.url(db), ...rest];

/** Starts loonctl, freezes it once `started` holds, fails over, lets it go on; returns its outcome. */
async function failoverDuring(g: SentinelGroup, cliArgs: string[], started: () => Promise<boolean>) {
  const t0 = Date.now();
  const run = await startCli(cliArgs, env);
  await waitFor(started, 20_000, 'loonctl to start working');
  run.child.kill('SIGSTOP');
  if (process.env.HA_DEBUG) console.log('stopped after', Date.now() - t0);
  const newMaster = await g.failover();
  if (process.env.HA_DEBUG) console.log('failed over after', Date.now() - t0);
  run.child.kill('SIGCONT');
  const outcome = await run.done;
  if (process.env.HA_DEBUG) console.log(cliArgs.join(' '), outcome);
  return { outcome, newMaster };
}

describe('a failover in the middle of work', () => {
  it('queue move of 100,000 messages: nothing lost or duplicated, nothing unconfirmed reported as moved', async () => {
    const g = forMove;
    const t0 = Date.now();
    const lap = (what: string) => process.env.HA_DEBUG && console.log(what, Date.now() - t0);
    const master = g.client(await g.masterPort(), 3);
    await fillQueue(master, 'src', 100_000, 'm', (id) => envelope({ id, queue: 'src' }));
    const { outcome, newMaster } = await failoverDuring(
      g,
      args(g, 3, 'queue', 'move', 'src', 'dst', '--yes', '--json'),
      async () => (await master.llen('dst')) > 0,
    );
    lap('filled+moved+failover');
    master.disconnect();
    const fresh = g.client(newMaster, 3);
    try {
      const movedThere = await fresh.llen('dst');
      if (outcome.code === 0) {
        expect(JSON.parse(outcome.stdout).moved).toBe(movedThere);
      } else {
        expect(outcome.code, outcome.stderr).toBe(69);
        expect(outcome.stderr).toMatch(/fail(ed)? ?over|replica/i);
        expect(outcome.stderr).toMatch(/run .*again/i);
      }
      // The operator runs it again: the rest moves, on the new master.
      const again = await runCli(args(g, 3, 'queue', 'move', 'src', 'dst', '--yes', '--json'), { env });
      lap('re-run');
      expect(again.code, again.stderr).toBe(0);
      const counts = await countIds(fresh, ['src', 'dst']);
      expect(counts.size).toBe(100_000);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(await fresh.llen('dst')).toBe(100_000);
      lap('counted');
    } finally {
      fresh.disconnect();
    }
  });

  it('queue requeue --unacked: every entry back on its queue exactly once', async () => {
    const g = forRequeue;
    const master = g.client(await g.masterPort(), 4);
    const n = 20_000;
    for (let i = 0; i < n; i += 2000) {
      const p = master.pipeline();
      for (let j = i; j < i + 2000; j++) {
        const el = envelope({ id: `u${j}` });
        p.hset('unacked', `tag-u${j}`, unackedValue(el));
        p.zadd('unacked_index', 1000 + j, `tag-u${j}`);
      }
      await p.exec();
    }
    await master.wait(1, 10_000);
    const { outcome, newMaster } = await failoverDuring(
      g,
      args(g, 4, 'queue', 'requeue', '--unacked', '--json'),
      async () => (await master.llen('loonflow')) > 0,
    );
    master.disconnect();
    const fresh = g.client(newMaster, 4);
    try {
      if (outcome.code === 0) {
        expect(JSON.parse(outcome.stdout).restored).toBe(await fresh.llen('loonflow'));
      } else {
        expect(outcome.code, outcome.stderr).toBe(69);
      }
      const again = await runCli(args(g, 4, 'queue', 'requeue', '--unacked', '--json'), { env });
      expect(again.code, again.stderr).toBe(0);
      const counts = await countIds(fresh, ['loonflow']);
      expect(await fresh.hlen('unacked')).toBe(0);
      expect(counts.size).toBe(n);
      expect([...counts.values()].every((c) => c === 1)).toBe(true);
    } finally {
      fresh.disconnect();
    }
  });
});
