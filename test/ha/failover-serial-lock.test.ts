// serial next in loops and lock run across a Sentinel failover: no serial is ever handed out twice, and the
// lock never has two holders at once (lock run keeps it on the new master, or stops its command with exit 76).
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/celery.js';
import { runCli } from '../helpers/cli.js';
import { startCli, startSentinelGroup, type SentinelGroup } from '../helpers/ha.js';

// A group per test: after a failover the old master needs seconds to rejoin before the next one can happen.
let forSerials: SentinelGroup;
let forLock: SentinelGroup;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-ha-lock-'));
beforeAll(async () => {
  [forSerials, forLock] = await Promise.all([
    startSentinelGroup({ masterPassword: 'sl-master-pw' }),
    startSentinelGroup({ masterPassword: 'sl-master-pw' }),
  ]);
});
afterAll(async () => {
  await Promise.all([forSerials?.stop(), forLock?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});
const env = { LOONCTL_SENTINEL_MASTER: 'loonmaster' };

describe('a failover while serials are handed out and a lock is held', () => {
  it('serial next in two loops: no serial repeats; a run that cannot be sure exits 69 and prints nothing', async () => {
    const g = forSerials;
    const serials: string[] = [];
    const codes: number[] = [];
    let stop = false;
    const loop = async () => {
      while (!stop) {
        const r = await runCli(
          [
            'serial',
            'next',
            '--date',
            '2024-07-01',
            '--init-from',
            '0',
            '--count',
            '3',
            '-o',
            'plain',
            '--redis-url',
            g.url(6),
          ],
          { env },
        );
        codes.push(r.code ?? -1);
        if (r.code === 0) serials.push(...r.stdout.trim().split('\n'));
        else expect(r.stdout).toBe('');
      }
    };
    const loops = [loop(), loop()];
    await waitFor(() => serials.length >= 15, 30_000, 'serials before the failover');
    const newMaster = await g.failover();
    const after = serials.length;
    await waitFor(() => serials.length >= after + 24, 60_000, 'serials after the failover');
    stop = true;
    await Promise.all(loops);
    const seen = new Map<string, number>();
    for (const s of serials) seen.set(s, (seen.get(s) ?? 0) + 1);
    const repeated = [...seen].filter(([, n]) => n > 1).map(([s]) => s);
    if (process.env.HA_DEBUG) console.log(codes.join(','));
    expect(repeated, `codes ${codes.join(',')}`).toEqual([]);
    expect(codes.every((c) => c === 0 || c === 69)).toBe(true);
    const fresh = g.client(newMaster, 6);
    // Every serial printed is at or below the counter on the new master.
    const counter = Number(await fresh.get('ticket_day_count_2024-07-01'));
    fresh.disconnect();
    expect(Math.max(...serials.map((s) => Number(s.slice(-4))))).toBeLessThanOrEqual(counter);
  });

  it('lock run across a failover: never two holders; the first run keeps the lock (0) or reports it lost (76)', async () => {
    const g = forLock;
    const log = join(dir, 'holders.log');
    writeFileSync(log, '');
    const holder = (seconds: number) =>
      `echo "start $LOONCTL_LOCK_TOKEN" >> ${log}; trap 'echo "end $LOONCTL_LOCK_TOKEN" >> ${log}; exit 143' TERM; sleep ${seconds} & wait; echo "end $LOONCTL_LOCK_TOKEN" >> ${log}`;
    const first = await startCli(
      [
        '--redis-url',
        g.url(7),
        'lock',
        'run',
        'ha-job',
        '--ttl',
        '4s',
        '--kill-after',
        '1s',
        '--',
        'sh',
        '-c',
        holder(5),
      ],
      env,
    );
    await waitFor(() => readFileSync(log, 'utf8').includes('start'), 20_000, 'the first holder');
    let firstDone = false;
    void first.done.then(() => (firstDone = true));
    const contenderCodes: number[] = [];
    const contend = async () => {
      while (!firstDone) {
        const r = await runCli(
          ['--redis-url', g.url(7), 'lock', 'run', 'ha-job', '--ttl', '4s', '--', 'sh', '-c', holder(0.2)],
          { env },
        );
        contenderCodes.push(r.code ?? -1);
      }
    };
    const contender = contend();
    await g.failover();
    const outcome = await first.done;
    await contender;
    if (process.env.HA_DEBUG) console.log(outcome, contenderCodes, readFileSync(log, 'utf8'));
    expect([0, 76], outcome.stderr).toContain(outcome.code);
    // Holders, in the order they wrote: each must end before the next starts.
    let open: string | null = null;
    for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
      const [what, token] = line.split(' ');
      if (what === 'start') {
        expect(open, `two holders at once:\n${readFileSync(log, 'utf8')}`).toBeNull();
        open = token!;
      } else {
        expect(token).toBe(open);
        open = null;
      }
    }
    appendFileSync(log, '');
    expect(
      contenderCodes.every((c) => c === 0 || c === 75 || c === 69),
      contenderCodes.join(','),
    ).toBe(true);
  });
});
