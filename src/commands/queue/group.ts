import type { GroupSpec } from '../spec.js';

export const queueGroup: GroupSpec = {
  name: 'queue',
  summary: 'Celery queues in Redis: list, peek, show, stats, export; requeue, move, purge, import',
  examples: [
    'loonctl queue list',
    'loonctl queue peek loonflow --limit 5',
    'loonctl queue peek loonflow --unacked',
    'loonctl queue show 5f1c2d7e-...',
    'loonctl queue stats loonflow --watch',
    'loonctl queue export loonflow -f loonflow.jsonl',
  ],
};
