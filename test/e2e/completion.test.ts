import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { registryTree } from '../../src/commands/registry-tree.js';
import { completionScript, SHELL_FILES, SHELLS } from '../../src/completion/script.js';
import { BIN, cliEnv, runCli } from '../helpers/cli.js';
import { silentServer } from '../helpers/processes.js';
import { loadedPackages } from '../helpers/loaded-packages.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

const COMPLETIONS = new URL('../../completions/', import.meta.url).pathname;
const ZSH_DRIVER = new URL('../helpers/zsh-complete.zsh', import.meta.url).pathname;
const SEP = '\x06\x16';

let redis: TestRedis;
let binDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  redis = await claimRedisDb();
  // Queues as kombu declares them (binding sets) and as producers fill them (bucket lists).
  await redis.client.sadd('_kombu.binding.loonflow', `loonflow${SEP}${SEP}loonflow`);
  await redis.client.sadd('_kombu.binding.celery', `celery${SEP}${SEP}celery`);
  await redis.client.sadd('_kombu.binding.reply.celery.pidbox', `${SEP}${SEP}abc.reply.celery.pidbox`);
  await redis.client.lpush(`reports${SEP}6`, 'x');
  await redis.client.set('nightly-report', '0123456789abcdef0123456789abcdef');
  binDir = mkdtempSync(join(tmpdir(), 'loonctl-bin-'));
  writeFileSync(join(binDir, 'loonctl'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(binDir, 'loonctl'), 0o755);
  // The 250 ms budget is benched (completion); here a loaded machine must not turn names into nothing.
  env = cliEnv({
    PATH: `${binDir}:${process.env.PATH}`,
    LOONCTL_BROKER_URL: redis.url,
    LOONCTL_REDIS_URL: redis.url,
    LOONCTL_COMPLETE_BUDGET_MS: '5000',
  });
});
afterAll(async () => {
  await redis.release();
});

function bashComplete(words: string[], extraEnv: Record<string, string> = {}): string[] {
  const script = `source ${COMPLETIONS}loonctl.bash
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})
COMP_CWORD=${words.length - 1}
_loonctl
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

function zshComplete(line: string): { hits: string[]; descriptions: string[] } {
  const r = spawnSync('zsh', ['-f', ZSH_DRIVER, COMPLETIONS, line], { env, encoding: 'utf8', timeout: 20_000 });
  const lines = r.stdout.split('\n');
  return {
    hits: lines.filter((l) => l.startsWith('HIT:')).map((l) => l.slice(4)),
    descriptions: lines.filter((l) => l.startsWith('DSC:')).map((l) => l.slice(4)),
  };
}

function fishComplete(line: string): { value: string; description: string }[] {
  const r = spawnSync('fish', ['--no-config', '-c', `source ${COMPLETIONS}loonctl.fish; complete -C '${line}'`], {
    env,
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [value = '', description = ''] = l.split('\t');
      return { value, description };
    });
}

describe('generated scripts', () => {
  it.each(SHELLS)('completions/ holds exactly what the generator makes for %s (run `npm run completions`)', (shell) => {
    const checkedIn = readFileSync(join(COMPLETIONS, SHELL_FILES[shell]), 'utf8');
    expect(checkedIn).toBe(completionScript(registryTree(), shell));
  });

  it.each(SHELLS)('`loonctl completion %s` prints the same script', async (shell) => {
    const r = await runCli(['completion', shell]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(COMPLETIONS, SHELL_FILES[shell]), 'utf8'));
  });

  it('rejects an unknown shell', async () => {
    const r = await runCli(['completion', 'powershell']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/powershell.*bash, zsh, fish/);
  });

  it('offers every option of every command (a new option can never be missing)', async () => {
    const bash = readFileSync(join(COMPLETIONS, 'loonctl.bash'), 'utf8');
    const walk = (cmd: Awaited<ReturnType<typeof buildProgram>>) => {
      for (const o of cmd.options) if (!o.hidden && o.long) expect(bash).toContain(o.long);
      for (const c of cmd.commands) walk(c);
    };
    walk(await buildProgram());
  });
});

describe('bash (plain bash, COMP_WORDS/COMP_CWORD)', () => {
  it('subcommands, options and fixed values', () => {
    expect(bashComplete(['loonctl', ''])).toEqual(
      expect.arrayContaining(['serial', 'queue', 'lock', 'doctor', 'config', 'completion']),
    );
    expect(bashComplete(['loonctl', 'qu'])).toEqual(['queue']);
    expect(bashComplete(['loonctl', 'config', 'show', '--o'])).toEqual(['--output']);
    expect(bashComplete(['loonctl', 'doctor', '-o', 'j'])).toEqual(['json', 'jsonl']);
    expect(bashComplete(['loonctl', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(bashComplete(['loonctl', '--output', '=', 'pl'])).toEqual(['plain']);
  });
  it('file paths for --config', () => {
    const d = mkdtempSync(join(tmpdir(), 'loonctl-cfg-'));
    writeFileSync(join(d, 'prod.json'), '{}');
    expect(bashComplete(['loonctl', 'config', 'show', '--config', `${d}/pr`])).toEqual([`${d}/prod.json`]);
  });
  it('profiles from the config file', () => {
    const d = mkdtempSync(join(tmpdir(), 'loonctl-cfg-'));
    writeFileSync(join(d, 'c.json'), JSON.stringify({ profiles: { prod: {}, staging: {}, prelive: {} } }));
    expect(bashComplete(['loonctl', '--config', join(d, 'c.json'), '--profile', 'pr'])).toEqual(['prelive', 'prod']);
  });
  it('live queue names from Redis, internal queues left out', async () => {
    const queueCommands = (await buildProgram()).commands
      .find((c) => c.name() === 'queue')!
      .commands.map((c) => c.name());
    const withQueueArg = queueCommands.filter((n) => ['peek', 'move', 'purge', 'stats', 'export'].includes(n));
    for (const sub of withQueueArg)
      expect(bashComplete(['loonctl', 'queue', sub, ''])).toEqual(['celery', 'loonflow', 'reports']);
    expect(bashComplete(['loonctl', 'queue', 'peek', 'lo'])).toEqual(
      queueCommands.includes('peek') ? ['loonflow'] : [],
    );
  });
  it('live lock names for the lock commands', () => {
    for (const sub of ['show', 'release', 'extend', 'run'])
      expect(bashComplete(['loonctl', 'lock', sub, ''])).toEqual(['nightly-report']);
    expect(bashComplete(['loonctl', 'serial', 'show', '--date', 'to'])).toEqual(['today']);
    expect(bashComplete(['loonctl', 'serial', 'reseed', '--strategy', ''])).toEqual(['safe', 'count', 'max-serial']);
    expect(bashComplete(['loonctl', 'lock', 'run', 'x', '--on-lost', 'k'])).toEqual(['kill']);
  });

  it('uses connection flags typed on the command line', () => {
    const other = bashComplete(['loonctl', '--broker-url', 'redis://127.0.0.1:1/0', 'queue', 'peek', ''], {});
    expect(other).toEqual([]);
  });
});

describe('zsh (zpty + compinit)', () => {
  it('subcommands with descriptions', () => {
    const r = zshComplete('loonctl ');
    expect(r.hits).toEqual(expect.arrayContaining(['serial', 'queue', 'lock', 'doctor', 'config', 'completion']));
    expect(r.descriptions.join('\n')).toMatch(/doctor\s+-- check Redis/);
  });
  it('options with descriptions and fixed values', () => {
    const opts = zshComplete('loonctl config show --o');
    expect(opts.hits).toEqual(['--output']);
    expect(opts.descriptions.join('\n')).toMatch(/--output\s+-- output format/);
    expect(zshComplete('loonctl -o ').hits.sort()).toEqual(['json', 'jsonl', 'plain', 'table', 'wide']);
  });
  it('live queue names', async () => {
    const hasPeek = (await buildProgram()).commands
      .find((c) => c.name() === 'queue')!
      .commands.some((c) => c.name() === 'peek');
    expect(zshComplete('loonctl queue peek ').hits.sort()).toEqual(hasPeek ? ['celery', 'loonflow', 'reports'] : []);
  });
});

describe('fish (complete -C)', () => {
  it('subcommands, option values and descriptions', () => {
    const subs = fishComplete('loonctl ');
    expect(subs.map((s) => s.value)).toEqual(expect.arrayContaining(['serial', 'queue', 'lock', 'doctor']));
    expect(subs.find((s) => s.value === 'doctor')!.description).toMatch(/check Redis/);
    expect(
      fishComplete('loonctl completion ')
        .map((s) => s.value)
        .sort(),
    ).toEqual(['bash', 'fish', 'zsh']);
    expect(fishComplete('loonctl -o j').map((s) => s.value)).toEqual(['json', 'jsonl']);
    expect(fishComplete('loonctl config show --ou')).toEqual([{ value: '--output', description: 'output format' }]);
  });
  it('live queue names', async () => {
    const hasPeek = (await buildProgram()).commands
      .find((c) => c.name() === 'queue')!
      .commands.some((c) => c.name() === 'peek');
    expect(
      fishComplete('loonctl queue peek ')
        .map((s) => s.value)
        .sort(),
    ).toEqual(hasPeek ? ['celery', 'loonflow', 'reports'] : []);
  });
});

describe('__complete', () => {
  it('lists queues and lock-like keys of the configured Redis', async () => {
    const q = await runCli(['__complete', 'queues', '', '--broker-url', redis.url]);
    expect(q.stdout.split('\n').filter(Boolean)).toEqual(['celery', 'loonflow', 'reports']);
    const l = await runCli(['__complete', 'locks', 'night', '--redis-url', redis.url]);
    expect(l.stdout.trim()).toBe('nightly-report');
  });

  function timed(args: string[]): Promise<{ ms: number; stdout: string; stderr: string; code: number | null }> {
    return new Promise((resolve) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ ms: performance.now() - t0, stdout, stderr, code }));
    });
  }

  // The time budget itself is measured in `npm run bench` (completion): here, outcome only.
  it('with Redis down or hung, answers nothing, silently, and returns by itself', async () => {
    const down = await timed(['__complete', 'queues', '', '--broker-url', 'redis://127.0.0.1:1/0']);
    expect(down).toMatchObject({ stdout: '', stderr: '', code: 0 });
    const { port, server } = await silentServer();
    try {
      const hung = await timed(['__complete', 'queues', '', '--broker-url', `redis://127.0.0.1:${port}/0`]);
      expect(hung).toMatchObject({ stdout: '', stderr: '', code: 0 });
    } finally {
      server.close();
    }
    const badConfig = await timed(['__complete', 'profiles', '', '--config', '/nonexistent/loonctl.json']);
    expect(badConfig).toMatchObject({ stdout: '', stderr: '', code: 0 });
  });

  it('loads neither pg nor kysely nor ioredis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loonctl-mods-'));
    const log = join(dir, 'modules.log');
    writeFileSync(log, '');
    const hook = new URL('../helpers/module-log.mjs', import.meta.url).pathname;
    const r = await runCli(['__complete', 'queues', '', '--broker-url', redis.url], {
      nodeArgs: ['--import', hook],
      env: { LOONCTL_MODULE_LOG: log },
    });
    expect(r.stdout).toContain('loonflow');
    const loaded = readFileSync(log, 'utf8');
    expect(loaded).toMatch(/dist\/main\.bundle\.js/); // the hook saw the CLI's own modules
    expect(loaded).not.toMatch(/node_modules\/(pg|kysely|mysql2|ioredis|commander)\//);
    const packages = loadedPackages(loaded); // bundled into a loaded chunk of dist/ counts too
    for (const heavy of ['pg', 'kysely', 'mysql2', 'ioredis', 'commander']) expect(packages).not.toContain(heavy);
  });
});
