import { describe, expect, it } from 'vitest';
import { GROUPS, LOADERS } from '../../src/commands/catalog.js';
import { CONFIG_KEYS } from '../../src/commands/config-keys.js';
import { COMMANDS, optionConfigKeys } from '../../src/commands/registry.js';

describe('command catalog (what a run loads before the specs it names)', () => {
  it('each loader loads the commands named by its word, and together they are every command', async () => {
    const loaded = [];
    for (const l of LOADERS) {
      const specs = await l.load();
      expect(specs.length, l.name).toBeGreaterThan(0);
      for (const s of specs) expect(s.path[0], s.path.join(' ')).toBe(l.name);
      const topLevel = !GROUPS.some((g) => g.name === l.name);
      if (topLevel) expect(specs.map((s) => [s.path.length, !!s.hidden])).toEqual([[1, !!l.hidden]]);
      else expect(specs.every((s) => s.path.length === 2)).toBe(true);
      loaded.push(...specs);
    }
    expect(loaded).toEqual(COMMANDS);
    expect(new Set(COMMANDS).size).toBe(COMMANDS.length);
  });

  it('groups come first, in the order of GROUPS', () => {
    expect(LOADERS.slice(0, GROUPS.length).map((l) => l.name)).toEqual(GROUPS.map((g) => g.name));
  });

  it('the generated config-file keys are those of every command option (run `npm run completions`)', () => {
    expect(CONFIG_KEYS).toEqual(optionConfigKeys());
    expect(CONFIG_KEYS).toContain('lockPrefix');
  });
});
