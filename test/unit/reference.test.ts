import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandReference, REFERENCE_END, REFERENCE_START } from '../../src/commands/reference.js';
import { COMMANDS } from '../../src/commands/registry.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README command reference', () => {
  it('is exactly what the registry generates (run `npm run docs`)', () => {
    const start = readme.indexOf(REFERENCE_START);
    const end = readme.indexOf(REFERENCE_END) + REFERENCE_END.length;
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start, end)).toBe(commandReference());
  });

  it('documents every visible command and every option of it', () => {
    const reference = commandReference();
    for (const c of COMMANDS.filter((c) => !c.hidden)) {
      expect(reference).toContain(`#### \`loonctl ${c.path.join(' ')}\``);
      for (const o of c.options ?? []) expect(reference).toMatch(new RegExp(`--(no-)?${o.name}\\b`));
    }
  });
});
