// Entry point. `--version` is answered before anything else is loaded, so it costs no more than
// reading package.json; top-level help is printed from text generated at build time (program-help.ts,
// checked against commander's in a test) when commander would print it 80 wide; everything else goes
// through the commander program in cli.ts.
import { readFileSync } from 'node:fs';
import { PROGRAM_HELP_TEXT } from './commands/program-help.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(pkg.version + '\n');
} else if (args.length === 1 && ['--help', '-h', 'help'].includes(args[0]) && helpIs80Wide()) {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err; // `loonctl --help | head -1`: the reader went away
  });
  process.stdout.write(PROGRAM_HELP_TEXT);
} else if (args[0] === '__complete') {
  // Shell completion asks on every Tab press: skip commander and the command tree.
  const { runComplete } = await import('./completion/fast-entry.js');
  const { completeBudgetMs } = await import('./completion/budget.js');
  await runComplete(args.slice(1), completeBudgetMs(process.env));
} else {
  const { run } = await import('./cli.js');
  await run(process.argv);
}

/** Commander wraps help to the terminal's width, and to 80 columns when stdout is not a terminal. */
function helpIs80Wide(): boolean {
  return !process.stdout.isTTY || process.stdout.columns === 80;
}
