import type { Command } from 'commander';

export function registerDoctor(program: Command): void {
  program.command('doctor').description('health check (being built)');
}
