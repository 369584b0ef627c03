// A destructive command on a terminal asks before it changes anything (readline, loaded only then): in a real
// terminal (tmux), 'n' leaves the queue alone and says so, 'y' goes ahead.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BIN, cliEnv } from '../helpers/cli.js';
import { envelope } from '../helpers/kombu.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { TopTerminal } from '../helpers/tmux.js';

const dir = mkdtempSync(join(tmpdir(), 'loonctl-confirm-'));
const term = new TopTerminal('confirm');
let redis: TestRedis;

beforeAll(async () => {
  redis = await claimRedisDb();
  await redis.client.lpush('q', envelope({ id: 'a', queue: 'q' }), envelope({ id: 'b', queue: 'q' }));
});
afterAll(async () => {
  term.killServers();
  await redis.release();
  rmSync(dir, { recursive: true, force: true });
});

/** A script that runs `loonctl queue purge q` on the test's broker, then prints its exit code. */
function purgeScript(name: string): string {
  const path = join(dir, `${name}.sh`);
  const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const vars = Object.entries(cliEnv())
    .map(([k, v]) => `export ${k}=${quote(v)}`)
    .join('\n');
  const cmd = [process.execPath, BIN, 'queue', 'purge', 'q', '--broker-url', redis.url].map(quote).join(' ');
  writeFileSync(path, `${vars}\nclear\n${cmd}\necho "EXIT=$?"\nsleep 600\n`);
  return path;
}

/** Runs the purge in a terminal, answers `key` at its question, and returns the screen once it exited. */
async function answer(key: string): Promise<string> {
  term.start(purgeScript(key));
  await term.waitScreen('[y/N]');
  term.type(key);
  term.keys('Enter');
  const screen = await term.waitScreen(/EXIT=\d+/);
  term.endSession();
  return screen;
}

it("'n' at the question deletes nothing and exits 1; 'y' purges", async () => {
  const declined = await answer('n');
  expect(declined).toContain('nothing deleted');
  expect(declined).toContain('EXIT=1');
  expect(await redis.client.llen('q')).toBe(2);

  expect(await answer('y')).toContain('EXIT=0');
  expect(await redis.client.exists('q')).toBe(0);
});
