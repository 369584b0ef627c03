import type { Command } from 'commander';

/** Write-side queue subcommands (requeue, move, purge, import), registered into the `queue` group. */
export function registerQueueWrite(_queue: Command): void {}
