import { describe, expect, it } from 'vitest';
import { programHelpText } from '../../dist/cli.js';
import { PROGRAM_HELP_TEXT } from '../../dist/commands/program-help.js';
import { runCli } from '../helpers/cli.js';

describe('top-level help printed without commander', () => {
  it('is byte for byte what commander prints (regenerate with `npm run completions`)', async () => {
    expect(PROGRAM_HELP_TEXT).toBe(await programHelpText());
    expect(PROGRAM_HELP_TEXT).toContain('\nCommands:\n  serial ');
  });

  it('is what --help, -h and help print, and commander itself prints the same', async () => {
    const viaCommander = await runCli(['--no-color', '--help']);
    expect(viaCommander.stdout).toBe(await programHelpText());
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = await runCli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(viaCommander.stdout);
      expect(r.stderr).toBe('');
    }
  });
});
