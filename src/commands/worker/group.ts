import type { GroupSpec } from '../spec.js';

export const workerGroup: GroupSpec = {
  name: 'worker',
  summary: "live Celery workers over Celery's remote control: census, inspect, pause and resume a queue",
  examples: [
    'loonctl worker ls',
    'loonctl worker inspect active --longer-than 10m',
    'loonctl worker pause loonflow',
    'loonctl worker resume loonflow',
  ],
};
