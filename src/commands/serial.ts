import type { Command } from 'commander';

export function registerSerial(program: Command): void {
  program.command('serial').description('serial commands (being built)');
}
