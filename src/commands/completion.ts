import { Argument, type Command } from 'commander';
import { action, examples } from './action.js';

/** Live names for the shells must come back fast or not at all, and never print an error. */
const COMPLETE_BUDGET_MS = 250;

export function registerCompletion(program: Command): void {
  examples(
    program
      .command('completion')
      .description('print the shell completion script for bash, zsh or fish')
      .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
      .action(
        action(async (ctx, _opts, args) => {
          const { completionScript } = await import('../completion/script.js');
          let root: Command = program;
          while (root.parent) root = root.parent;
          ctx.out.line(completionScript(root, args[0] as 'bash' | 'zsh' | 'fish').trimEnd());
        }),
      ),
    [
      'loonctl completion bash > ~/.local/share/bash-completion/completions/loonctl',
      'loonctl completion zsh > "${fpath[1]}/_loonctl"',
      'loonctl completion fish > ~/.config/fish/completions/loonctl.fish',
    ],
  );

  // Answered by src/completion/fast-entry.ts before commander loads (see main.ts); declared here
  // only so that commander accepts it when it comes after global options.
  program
    .command('__complete', { hidden: true })
    .description('names for shell completion: queues, locks, profiles')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_o: unknown, cmd: Command) => {
      const { runComplete } = await import('../completion/fast-entry.js');
      await runComplete(cmd.args, COMPLETE_BUDGET_MS, cmd.optsWithGlobals());
    });
}
