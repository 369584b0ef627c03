import type { Command } from 'commander';
import { registerQueueWrite } from './queue-write.js';

export function registerQueue(program: Command): void {
  const queue = program.command('queue').description('Celery queues in Redis: list, peek, show, stats, export; requeue, move, purge, import');
  registerQueueWrite(queue);
}
