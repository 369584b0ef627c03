// The house rules of the code layout, checked on every run (see DESIGN.md section 2).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const all = files(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));
const imports = (text: string) => [...text.matchAll(/(?:from|import\()\s*'([^']+)'/g)].map((m) => m[1]!);

describe('layout', () => {
  it('commands reach Redis and the database only through the Context', () => {
    const bad = all
      .filter((f) => f.path.startsWith('commands/'))
      .flatMap((f) =>
        imports(f.text)
          .filter((i) => /\/(db|redis)\//.test(i))
          .map((i) => `${f.path}: ${i}`),
      );
    expect(bad).toEqual([]);
  });

  it('core is the ground floor: it imports nothing from the layers above it', () => {
    const bad = all
      .filter((f) => f.path.startsWith('core/'))
      .flatMap((f) =>
        imports(f.text)
          .filter((i) => i.startsWith('../'))
          .map((i) => `${f.path}: ${i}`),
      );
    expect(bad).toEqual([]);
  });

  it('domain code knows nothing of commander, chalk or process.exit', () => {
    const domain = /^(celery|serial|lock|db|redis|doctor|core|loonflow|tickets|monitor|metrics)\//;
    const programs = new Set(['core/output.ts']);
    const bad = all
      .filter((f) => domain.test(f.path) && !programs.has(f.path))
      .filter((f) => /from 'commander'|from 'chalk'|process\.exit\(/.test(f.text))
      .map((f) => f.path);
    expect(bad).toEqual([]);
  });

  it('one small file per command', () => {
    const big = all
      .filter((f) => /^commands\/[^/]+\/[^/]+\.ts$/.test(f.path))
      .filter((f) => f.text.split('\n').length > 110)
      .map((f) => `${f.path}: ${f.text.split('\n').length} lines`);
    expect(big).toEqual([]);
  });

  it('no line over 120 characters', () => {
    const long = all.flatMap((f) =>
      f.text.split('\n').flatMap((line, i) => (line.length > 120 ? [`${f.path}:${i + 1} (${line.length})`] : [])),
    );
    expect(long).toEqual([]);
  });
});
