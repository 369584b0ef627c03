import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli.js';
import * as errors from '../../src/core/errors.js';
import { runCli } from '../helpers/cli.js';

const ANSI = /\x1b\[[0-9;]*m/;

describe('colour rules', () => {
  it('no colour in a pipe, FORCE_COLOR forces it, NO_COLOR and --no-color win', async () => {
    expect((await runCli(['config', 'show', '-o', 'table'])).stdout).not.toMatch(ANSI);
    expect((await runCli(['config', 'show', '-o', 'table'], { env: { FORCE_COLOR: '1' } })).stdout).toMatch(ANSI);
    expect(
      (await runCli(['config', 'show', '-o', 'table'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout,
    ).not.toMatch(ANSI);
    expect(
      (await runCli(['config', 'show', '-o', 'table', '--no-color'], { env: { FORCE_COLOR: '1' } })).stdout,
    ).not.toMatch(ANSI);
  });
});

describe('formats', () => {
  it('table draws borders, plain is tab-separated, jsonl is one object per line', async () => {
    const table = await runCli(['config', 'show', '-o', 'table']);
    expect(table.stdout).toMatch(/┌─+┬/);
    expect(table.stdout).toMatch(/│ SETTING +│ VALUE/);
    const plain = await runCli(['config', 'show', '-o', 'plain']);
    expect(plain.stdout.split('\n')[3]).toBe('tz\tAsia/Shanghai\tdefault');
    const jsonl = await runCli(['config', 'show', '-o', 'jsonl']);
    const lines = jsonl.stdout.trim().split('\n');
    expect(lines.length).toBe(1); // one object (config show is a single record)
    expect(JSON.parse(lines[0]!)).toHaveProperty('tz');
    const json = await runCli(['config', 'show', '--json']);
    expect(JSON.parse(json.stdout).tz).toEqual({ value: 'Asia/Shanghai', source: 'default' });
  });
});

describe('help', () => {
  it('shows examples for the program and every group', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Examples:/);
    const groups = [...top.stdout.matchAll(/^ {2}(\w+)\b.*$/gm)].map((m) => m[1]!).filter((g) => !['help'].includes(g));
    const listed = top.stdout.slice(top.stdout.indexOf('Commands:'));
    for (const g of ['serial', 'queue', 'lock', 'doctor', 'config', 'completion']) expect(listed).toContain(g);
    for (const g of ['serial', 'queue', 'lock', 'doctor', 'config', 'completion']) {
      const r = await runCli([g, '--help']);
      expect(r.code, g).toBe(0);
      expect(r.stdout, `${g} --help`).toMatch(/Examples:/);
    }
    void groups;
  });
});

describe('exit codes', () => {
  it('each typed error maps to its documented code, anything else is 70', () => {
    expect(exitCodeFor(new errors.ProblemFound('x'))).toBe(1);
    expect(exitCodeFor(new errors.UsageError('x'))).toBe(2);
    expect(exitCodeFor(new errors.NotFoundError('x'))).toBe(3);
    expect(exitCodeFor(new errors.DataError('x'))).toBe(65);
    expect(exitCodeFor(new errors.UnavailableError('x'))).toBe(69);
    expect(exitCodeFor(new TypeError('bug'))).toBe(70);
    expect(exitCodeFor(new errors.LockBusyError('x'))).toBe(75);
    expect(exitCodeFor(new errors.LockBusyError('x', undefined, 9))).toBe(9);
    expect(exitCodeFor(new errors.LockLostError('x'))).toBe(76);
    expect(exitCodeFor(new errors.InterruptedError())).toBe(130);
  });
});

describe('package', () => {
  it('npm pack ships the launcher, the built CLI and the completions', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: new URL('../..', import.meta.url).pathname,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const files = (JSON.parse(r.stdout)[0].files as { path: string }[]).map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/loonctl.js',
        'dist/main.js',
        'dist/cli.js',
        'completions/loonctl.bash',
        'package.json',
        'README.md',
      ]),
    );
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);
  });
});
