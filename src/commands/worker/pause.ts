import { defineCommand } from '../spec.js';
import { consumerCall, CONSUMER_OPTIONS, type ConsumerInput } from './consumer-call.js';

export const workerPause = defineCommand<ConsumerInput>({
  path: ['worker', 'pause'],
  summary:
    'stop live workers consuming a queue (cancel_consumer); prefetched tasks still run; ' +
    'a restarted worker consumes again',
  args: [{ name: 'queue', required: true, complete: 'queues' }],
  options: CONSUMER_OPTIONS,
  examples: ['loonctl worker pause loonflow', 'loonctl worker pause loonflow --worker celery@lf-task-1'],
  run: (ctx, o) => consumerCall(ctx, o, 'pause'),
});
