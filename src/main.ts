// Entry point. `--version` is answered before anything else is loaded, so it costs no more than
// reading package.json; everything else goes through the commander program in cli.ts.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(pkg.version + '\n');
} else if (args[0] === '__complete') {
  // Shell completion asks on every Tab press: skip commander and the command tree.
  const { runComplete } = await import('./completion/fast-entry.js');
  const { completeBudgetMs } = await import('./completion/budget.js');
  await runComplete(args.slice(1), completeBudgetMs(process.env));
} else {
  const { run } = await import('./cli.js');
  await run(process.argv);
}
