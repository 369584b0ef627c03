import type { Command } from 'commander';

export function registerLock(program: Command): void {
  program.command('lock').description('lock commands (being built)');
}
