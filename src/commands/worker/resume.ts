import { defineCommand } from '../spec.js';
import { consumerCall, CONSUMER_OPTIONS, type ConsumerInput } from './consumer-call.js';

export const workerResume = defineCommand<ConsumerInput>({
  path: ['worker', 'resume'],
  summary: 'make live workers consume a queue again (add_consumer)',
  args: [{ name: 'queue', required: true, complete: 'queues' }],
  options: CONSUMER_OPTIONS,
  examples: ['loonctl worker resume loonflow'],
  run: (ctx, o) => consumerCall(ctx, o, 'resume'),
});
