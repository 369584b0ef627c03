import type { Command } from 'commander';

export function registerQueue(program: Command): void {
  program.command('queue').description('queue commands (being built)');
}
