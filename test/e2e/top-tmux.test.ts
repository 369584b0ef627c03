// `loonctl top` in a real terminal (tmux) against a real broker fed by a real Celery producer and
// real workers: queue names and counts read from the screen, a filter, an orphan requeued through the
// confirmation (checked in Redis), 80x24 without wrapping, NO_COLOR, and `q` giving the terminal back.
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { killWorker, publish, startWorker, waitFor } from '../helpers/celery.js';
import { runCli } from '../helpers/cli.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { HANG_MS, TopTerminal, topScript } from '../helpers/tmux.js';

const dir = mkdtempSync(join(tmpdir(), 'loonctl-top-'));
const term = new TopTerminal('top');
let redis: TestRedis;
const workers: ChildProcess[] = [];

const tmux = (...args: string[]) => term.tmux(...args);
const screen = (escapes = false) => term.screen(escapes);
const waitScreen = (re: RegExp, what = String(re)) => term.waitScreen(re, what);
const keys = (...k: string[]) => term.keys(...k);
const endSession = () => term.endSession();

/** Runs top at this size on the test's broker, with CI variables set (see topScript). */
function startTop(name: string, columns: number, rows: number, env: Record<string, string> = {}) {
  const args = ['--broker-url', redis.url, '--redis-url', redis.url, '--backup-dir', dir, '--interval', '1s'];
  term.start(topScript(dir, name, args, env), columns, rows);
}

beforeAll(async () => {
  redis = await claimRedisDb();
  publish(redis.url, 'queue', '3', 'loonflow-slow');
});
afterAll(async () => {
  term.killServers();
  for (const w of workers) await killWorker(w);
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});

describe('loonctl top in tmux', () => {
  it('exits 2 with one line when stdout is not a terminal', async () => {
    const r = await runCli(['top', '--broker-url', redis.url]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/needs a terminal/);
  });

  it(
    'shows queues, filters messages, requeues an orphan after the confirmation, and q restores the screen',
    {
      timeout: 240_000,
    },
    async () => {
      // An orphan: a solo worker takes tasks that wait on a file (one running, the rest prefetched), then is killed.
      const hold = join(dir, 'hold');
      writeFileSync(hold, '');
      const spec = [1, 2, 3].map((n) => ({ args: [900 + n], kwargs: { hold } }));
      publish(redis.url, 'spec', JSON.stringify(spec));
      const doomed = startWorker({ brokerUrl: redis.url, queues: 'loonflow', prefetch: 4 });
      workers.push(doomed);
      // The solo worker runs the first (it waits on the file) and may have prefetched more: all in unacked.
      const unacked = () => redis.client.hlen('unacked');
      await waitFor(async () => (await unacked()) >= 1, HANG_MS, 'the worker to take a task');
      await killWorker(doomed);
      const orphans = await unacked();
      const ready = 8 + (await redis.client.llen('loonflow'));
      publish(redis.url, 'mixed');
      // A live worker on another queue: the census is trusted, and it names nothing of the dead worker's.
      workers.push(startWorker({ brokerUrl: redis.url, queues: 'other' }));

      onTestFinished(endSession);
      startTop('main', 100, 30);
      let s = await waitScreen(/loonflow-slow\s+3\b/, 'loonflow-slow with 3 ready');
      expect(s).toMatch(/^loonctl top {2}redis:\/\/127\.0\.0\.1:6379\/\d+/m);
      expect(s).toMatch(new RegExp(`^> loonflow\\s+${ready}\\b`, 'm'));
      // Orphans once the census is more than 5 s younger than their delivery (CENSUS_GRACE_S).
      const row = new RegExp(`^> loonflow\\s+${ready}\\s+0\\s+${orphans}\\b`, 'm');
      await waitScreen(row, `loonflow: ${ready} ready, 0 held, ${orphans} orphaned`);

      keys('Enter');
      await waitScreen(/\[2 Messages\]/);
      keys('/');
      await waitScreen(/\/█/);
      keys('-l', 'run_flow');
      await waitScreen(/\/run_flow█/);
      keys('Enter');
      s = await waitScreen(/filter "run_flow": 1 match/);
      expect(s).toMatch(/tasks\.run_flow_task/);
      expect(s).not.toMatch(/tasks\.send_ticket_notice/);

      keys('1');
      await waitScreen(/\[1 Queues\]/);
      keys('R');
      const question = `Requeue ${orphans} orphaned message${orphans === 1 ? '' : 's'} of 'loonflow' (held by no live worker)? [y/N]`;
      await waitFor(() => screen().includes(question), HANG_MS, question);
      expect(await unacked()).toBe(orphans); // nothing happens before the answer
      keys('y');
      await waitScreen(new RegExp(`requeued ${orphans} of ${orphans} orphan\\(s\\)`));
      expect(await unacked()).toBe(0);
      const buckets = ['loonflow', 'loonflow\x06\x163', 'loonflow\x06\x166', 'loonflow\x06\x169'];
      const lengths = await Promise.all(buckets.map((k) => redis.client.llen(k)));
      expect(lengths.reduce((a, b) => a + b, 0)).toBe(ready + orphans);
      await waitScreen(new RegExp(`^> loonflow\\s+${ready + orphans}\\s+0\\s+0\\b`, 'm'), 'the orphans back as ready');

      keys('q');
      s = await waitScreen(/TOP-EXIT=0/);
      rmSync(hold);
      expect(s.trimEnd().split('\n')).toEqual(['BEFORE-TOP', 'TOP-EXIT=0']);
      expect(tmux('display', '-p', '-t', 'top', '#{alternate_on} #{cursor_flag}').trim()).toBe('0 1');
    },
  );

  it(
    'fits 80x24 without wrapping, resizes live, and paints no colour with NO_COLOR',
    { timeout: 240_000 },
    async () => {
      onTestFinished(endSession);
      startTop('mono', 80, 24, { NO_COLOR: '1' });
      await waitScreen(/loonflow-slow\s+3\b/);
      for (const tab of ['1', '2', '3', '4', '5']) {
        keys(tab);
        await waitScreen(new RegExp(`\\[${tab} `));
        await waitScreen(/q quit/);
        const lines = screen().split('\n');
        expect(lines[0]).toMatch(/^loonctl top/);
        expect(lines[1]).toMatch(/Queues/);
        expect(lines[22]).toMatch(/^q quit/);
        for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
        expect(screen(true)).not.toMatch(/\x1b\[(3[0-7]|9[0-7]|38;)/);
      }
      keys('1');
      tmux('resize-window', '-t', 'top', '-x', '120', '-y', '30');
      await waitFor(
        () => screen().split('\n')[28]?.startsWith('q quit') ?? false,
        HANG_MS,
        'footer on line 29 at 120x30',
      );
      expect(screen()).toMatch(/BUCKETS/);
      keys('C-c');
      await waitScreen(/TOP-EXIT=0/);
    },
  );
});
