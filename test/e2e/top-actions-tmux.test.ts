// `loonctl top`'s destructive keys in a real terminal (tmux) against a real broker, real Celery producer
// and real workers: X revokes the selected task (backup first, importable, the live worker told), M moves
// a message and then a queue (a worker on the destination runs them all), N leaves everything as it was,
// and --read-only (flag or config file) refuses every action key.
import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { killWorker, publish, startWorker, waitFor } from '../helpers/celery.js';
import { runCli } from '../helpers/cli.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { HANG_MS, TopTerminal, topScript } from '../helpers/tmux.js';

const dir = mkdtempSync(join(tmpdir(), 'loonctl-topx-'));
const term = new TopTerminal('topx');
let redis: TestRedis;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  term.killServers();
  for (const w of workers) await killWorker(w);
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});

/** A new directory for one test's backups: what it holds is what that test's top wrote. */
function backupDir(name: string): string {
  const d = join(dir, name);
  rmSync(d, { recursive: true, force: true });
  return mkdtempSync(`${d}-`);
}

function runTop(name: string, backups: string, extra: string[] = [], env: Record<string, string> = {}, columns = 100) {
  const args = ['--broker-url', redis.url, '--redis-url', redis.url, '--backup-dir', backups, '--interval', '1s'];
  onTestFinished(() => term.endSession());
  term.start(topScript(dir, name, [...args, ...extra], env), columns);
}

/** Every bucket of a queue, raw, in Redis's order. */
async function lists(queue: string): Promise<Buffer[][]> {
  const keys = [queue, `${queue}\x06\x163`, `${queue}\x06\x166`, `${queue}\x06\x169`];
  return Promise.all(keys.map((k) => redis.client.lrangeBuffer(k, 0, -1)));
}
const idOf = (raw: Buffer) => (JSON.parse(raw.toString()) as { headers: { id: string } }).headers.id;

/** Moves the Queues cursor onto `queue`, one key at a time (each waits for the cursor to move). */
async function selectQueue(queue: string) {
  const row = new RegExp(`^[> ] ${queue}\\s`);
  const cursorAt = () =>
    term
      .screen()
      .split('\n')
      .findIndex((l) => l.startsWith('> '));
  await term.waitScreen(new RegExp(row.source, 'm'), `queue ${queue}`);
  const at = term
    .screen()
    .split('\n')
    .findIndex((l) => row.test(l));
  for (let cur = cursorAt(); cur !== at; cur = cursorAt()) {
    term.keys(cur < at ? 'j' : 'k');
    const next = cur + (cur < at ? 1 : -1);
    await waitFor(() => cursorAt() === next, HANG_MS, `the cursor on line ${next}`);
  }
}

async function revokedBy(): Promise<Record<string, string[]>> {
  const r = await runCli(['worker', 'inspect', 'revoked', '--broker-url', redis.url, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, string[]>;
}

describe('loonctl top actions in tmux', () => {
  it(
    'X revokes the selected message: confirmation, N changes nothing, y backs up, removes and tells the worker',
    { timeout: 120_000 },
    async () => {
      const sent = publish(redis.url, 'queue', '3', 'rv');
      const before = await lists('rv');
      expect(before[0].map(idOf)).toEqual(sent.map((s) => s.id).reverse()); // LPUSH: the first sent is at the tail
      // A live worker on another queue: it receives the revoke broadcast but never takes a message of `rv`.
      const w = startWorker({ brokerUrl: redis.url, queues: 'rv-other' });
      workers.push(w);
      onTestFinished(() => killWorker(w));
      const backups = backupDir('revoke');
      runTop('revoke', backups, [], {}, 200); // wide enough for the whole note with its backup path
      await term.waitScreen(/ 1 worker\(s\)/, 'the live worker in the census');
      await selectQueue('rv');
      term.keys('Enter');
      await term.waitScreen(/queue rv: 3 ready/);
      // Position 0 runs next: the first task sent.
      const target = sent[0].id;
      await term.waitScreen(new RegExp(`^> +0 .*tasks\\.flow_hook_task`, 'm'), 'position 0 selected');

      const question = `Revoke 1 task (${target}) and remove its messages, backup first? [y/N]`;
      term.keys('X');
      await term.waitScreen(question);
      expect(await lists('rv')).toEqual(before); // nothing happens before the answer
      expect(readdirSync(backups)).toEqual([]);
      term.keys('n');
      await term.waitScreen('cancelled: nothing changed');
      expect(await lists('rv')).toEqual(before);
      expect(readdirSync(backups)).toEqual([]);
      expect(Object.values(await revokedBy())).toEqual([[]]);

      term.keys('X');
      await term.waitScreen(question);
      term.keys('y');
      const note = new RegExp(
        `^backup (\\S+): revoked ${target}, acknowledged by 1 worker\\(s\\), 1 message\\(s\\) removed$`,
        'm',
      );
      const shown = note.exec(await term.waitScreen(note, 'the result'))![1];
      const after = await lists('rv');
      expect(after[0].map(idOf)).toEqual([sent[2].id, sent[1].id]);
      expect(after[0]).toEqual(before[0].slice(0, 2)); // the others untouched, byte for byte
      const removed = before[0][2];
      await term.waitScreen(/queue rv: 2 ready/);

      // The backup holds exactly the removed message, in the format `queue import` reads.
      const files = readdirSync(backups);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^loonctl-top-revoked-\d{8}T\d{6}\.jsonl$/);
      const backup = join(backups, files[0]);
      expect(shown).toBe(backup);
      const records = readFileSync(backup, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ queue: 'rv', bucket: 0 });
      expect(Buffer.from(records[0].message_b64, 'base64')).toEqual(removed);

      // The live worker holds the revoke in its own state.
      expect(Object.values(await revokedBy())).toEqual([[target]]);

      const imp = await runCli(['queue', 'import', backup, '--broker-url', redis.url, '--json']);
      expect(imp.code, imp.stderr).toBe(0);
      expect(JSON.parse(imp.stdout)).toMatchObject({ imported: 1, skipped: 0, retracted: 0 });
      const restored = await lists('rv');
      expect(restored[0].map(idOf).sort()).toEqual(sent.map((s) => s.id).sort());
      expect(restored[0].find((m) => idOf(m) === target)).toEqual(removed);
      term.keys('q');
      await term.waitScreen('TOP-EXIT=0');
    },
  );

  it(
    'M moves the selected message, then the whole queue; N changes nothing; a worker on the destination runs them',
    { timeout: 120_000 },
    async () => {
      const sent = publish(redis.url, 'queue', '3', 'mv-src');
      const before = await lists('mv-src');
      const backups = backupDir('move');
      runTop('move', backups);
      await selectQueue('mv-src');
      await term.waitScreen(/^> mv-src\s+3\b/m, 'mv-src with 3 ready');

      // One message from the Messages tab: the one at position 0 (the first sent).
      term.keys('Enter');
      await term.waitScreen(/queue mv-src: 3 ready/);
      await term.waitScreen(/^> +0 /m, 'position 0 selected');
      term.keys('M');
      await term.waitScreen('move to queue: █');
      term.type('mv-dst');
      await term.waitScreen('move to queue: mv-dst█');
      term.keys('Enter');
      const one = `Move 1 message from 'mv-src' to 'mv-dst' (task ${sent[0].id})? [y/N]`;
      await term.waitScreen(one);
      expect(await lists('mv-src')).toEqual(before);
      term.keys('N');
      await term.waitScreen('cancelled: nothing changed');
      expect(await lists('mv-src')).toEqual(before);
      expect(await redis.client.exists('mv-dst')).toBe(0);
      term.keys('M');
      await term.waitScreen('move to queue: █');
      term.type('mv-dst');
      await term.waitScreen('move to queue: mv-dst█');
      term.keys('Enter');
      await term.waitScreen(one);
      term.keys('y');
      await term.waitScreen("1 message(s) moved to 'mv-dst'");
      expect((await lists('mv-src'))[0].map(idOf)).toEqual([sent[2].id, sent[1].id]);
      expect((await lists('mv-dst'))[0].map(idOf)).toEqual([sent[0].id]);

      // The rest from the Queues tab.
      term.keys('1');
      await term.waitScreen(/^> mv-src\s+2\b/m, 'mv-src with 2 ready');
      term.keys('M');
      await term.waitScreen('move to queue: █');
      term.type('mv-dst');
      await term.waitScreen('move to queue: mv-dst█');
      term.keys('Enter');
      await term.waitScreen("Move 2 messages from 'mv-src' to 'mv-dst'? [y/N]");
      term.keys('y');
      await term.waitScreen("2 message(s) moved to 'mv-dst'");
      await term.waitScreen(/^ {2}mv-dst\s+3\b/m, 'mv-dst with 3 ready');
      expect((await lists('mv-src')).flat()).toEqual([]);
      const moved = await lists('mv-dst');
      expect(moved[0].map(idOf)).toEqual(sent.map((s) => s.id).reverse()); // order kept: the first sent runs first
      expect(moved.slice(1).flat()).toEqual([]);
      // Intact: the same envelope except the routing key, rewritten so that the destination's worker acks it.
      moved[0].forEach((raw, i) => {
        const m = JSON.parse(raw.toString());
        const was = JSON.parse(before[0][i].toString());
        expect(m.properties.delivery_info.routing_key).toBe('mv-dst');
        was.properties.delivery_info.routing_key = 'mv-dst';
        expect(m).toEqual(was);
      });
      expect(readdirSync(backups)).toEqual([]); // a move removes nothing: no backup

      const log = join(dir, 'mv-dst.log');
      const w = startWorker({ brokerUrl: redis.url, queues: 'mv-dst', log });
      workers.push(w);
      onTestFinished(() => killWorker(w));
      const ran = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);
      await waitFor(() => ran().length === 3, HANG_MS, 'the worker on mv-dst to run the 3 moved tasks');
      expect(ran().map((l) => JSON.parse(l).id)).toEqual(sent.map((s) => s.id));
      await waitFor(async () => (await redis.client.hlen('unacked')) === 0, HANG_MS, 'the worker to ack them');
      await term.waitScreen(/^ {2}mv-dst\s+0\b/m, 'mv-dst empty');
      term.keys('q');
      await term.waitScreen('TOP-EXIT=0');
    },
  );

  it(
    '--read-only (flag, or readOnly in the config file) refuses every action key and changes nothing',
    { timeout: 120_000 },
    async () => {
      publish(redis.url, 'queue', '2', 'ro');
      const before = await lists('ro');
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ readOnly: true }));
      for (const [name, extra, env] of [
        ['ro-flag', ['--read-only'], {}],
        ['ro-config', [], { LOONCTL_CONFIG: config }],
      ] as const) {
        const backups = backupDir(name);
        runTop(name, backups, [...extra], env);
        await term.waitScreen(/every 1s {2}READ-ONLY/);
        await selectQueue('ro');
        expect(term.screen()).toMatch(/^q quit .*read-only/m);
        for (const tab of ['1', '2']) {
          term.keys(tab);
          await term.waitScreen(new RegExp(`\\[${tab} `));
          for (const key of ['R', 'M', 'P', 'X', 'D']) {
            if (term.screen().includes('read-only: actions are disabled')) {
              term.keys('Escape');
              await term.waitScreen(/^q quit/m);
            }
            term.keys(key);
            await term.waitScreen(
              'read-only: actions are disabled (--read-only or readOnly in the config file)',
              `${key} refused`,
            );
            expect(term.screen()).not.toMatch(/\[y\/N\]|move to queue/);
          }
        }
        term.keys('y'); // no pending question: nothing to confirm
        expect(await lists('ro')).toEqual(before);
        expect(readdirSync(backups)).toEqual([]);
        term.keys('q');
        await term.waitScreen('TOP-EXIT=0');
        term.endSession();
      }
    },
  );
});
