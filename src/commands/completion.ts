import type { Command } from 'commander';

export function registerCompletion(program: Command): void {
  program.command('completion').description('completion commands (being built)');
}
