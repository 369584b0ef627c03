// A run loads the specs of the commands it names and no others (src/commands/catalog.ts): loading every
// spec cost ~26 ms of start-up. A static import of all the specs on the way to the CLI fails these tests.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { commandPath, loadedCommandPaths, loadedSources } from '../helpers/loaded-packages.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'loonctl-lazy-'));
const COMMANDS_DIR = new URL('../../src/commands/', import.meta.url).pathname;
const HOOK = new URL('../helpers/module-log.mjs', import.meta.url).pathname;

/** Every command spec module (a file that calls defineCommand), as `src/commands/<dir>/<file>.ts`. */
const SPEC_FILES = readdirSync(COMMANDS_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(COMMANDS_DIR, d.name))
      .filter((f) => f.endsWith('.ts') && readFileSync(join(COMMANDS_DIR, d.name, f), 'utf8').includes('defineCommand'))
      .map((f) => `src/commands/${d.name}/${f}`),
  )
  .sort();
/** Each spec module's command path (`queue move`), read from its `path: [...]`. */
const PATH_OF = new Map(
  SPEC_FILES.map((f) => {
    const m = /\bpath: \[([^\]]*)\]/.exec(readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8'));
    return [f, m ? commandPath(m[1]) : f];
  }),
);
const specsIn = (...dirs: string[]) => SPEC_FILES.filter((f) => dirs.some((d) => f.startsWith(`src/commands/${d}/`)));

let runs = 0;
/** The spec modules a run of the built CLI loaded, and its exit code and output. */
async function specsLoaded(args: string[]) {
  const log = join(dir, `modules-${++runs}.log`);
  writeFileSync(log, '');
  const r = await runCli(args, { nodeArgs: ['--import', HOOK], env: { LOONCTL_MODULE_LOG: log } });
  const text = readFileSync(log, 'utf8');
  expect(loadedSources(text)).toContain('src/cli.ts'); // the log saw the bundle's chunks
  const paths = loadedCommandPaths(text);
  return { ...r, specs: SPEC_FILES.filter((f) => paths.has(PATH_OF.get(f)!)) };
}

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

describe('a run loads only the specs of the commands it names', () => {
  it('finds the spec modules to check', () => {
    expect(SPEC_FILES).toContain('src/commands/lock/list.ts');
    expect(SPEC_FILES).toContain('src/commands/doctor/doctor.ts');
    expect(SPEC_FILES.length).toBeGreaterThan(30);
  });

  it('config show: the config group', async () => {
    const r = await specsLoaded(['config', 'show', '--json']);
    expect(r.code).toBe(0);
    expect(r.specs).toEqual(['src/commands/config/show.ts']);
  });

  it('lock list: the lock group', async () => {
    const r = await specsLoaded(['lock', 'list', '--json', '--redis-url', redis.url]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.specs).toEqual(specsIn('lock'));
  });

  it('queue list: the queue group', async () => {
    const r = await specsLoaded(['queue', 'list', '--json', '--redis-url', redis.url, '--broker-url', redis.url]);
    expect(r.code).toBe(0);
    expect(r.specs).toEqual(specsIn('queue'));
  });

  it('a top-level command: its own spec', async () => {
    const r = await specsLoaded(['doctor', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: loonctl doctor \[options\]/);
    expect(r.specs).toEqual(['src/commands/doctor/doctor.ts']);
  });

  it('help for a group lists its commands, loading that group only', async () => {
    const r = await specsLoaded(['help', 'lock']);
    expect(r.code).toBe(0);
    for (const verb of ['acquire', 'release', 'extend', 'show', 'list', 'run'])
      expect(r.stdout).toContain(`  ${verb} `);
    expect(r.specs).toEqual(specsIn('lock'));
  });

  it('the top-level help from commander loads every top-level command, and lists them in full', async () => {
    // `loonctl lock --help` is lock's help; `loonctl --help lock` is the program's, though it names lock.
    const r = await specsLoaded(['--help', 'lock']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}completion <shell> +print the shell completion script/m);
    expect(r.stdout).toMatch(/^ {2}doctor \[options\] +check Redis/m);
    expect(r.specs).toEqual(expect.arrayContaining(specsIn('top', 'doctor', 'metrics', 'completion')));
  });

  it('an unknown command still suggests a top-level command it did not load', async () => {
    const r = await specsLoaded(['doctr', 'lock']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'doctr'\n\(Did you mean doctor\?\)/);
    expect(r.specs).toEqual(specsIn('lock'));
  });
});
