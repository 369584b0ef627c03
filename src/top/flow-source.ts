import type { Redis } from 'ioredis';
import { bucketLengths } from '../celery/read.js';
import type { Transport } from '../celery/transport.js';
import type { FlowFigures } from './types.js';

/**
 * The broker-only flow collection of the monitoring issue, its state kept in memory between
 * refreshes: per refresh O(queues x buckets) small commands, never the backlog.
 */
export function flowSource(broker: Redis, t: Transport): (queues: string[]) => Promise<FlowFigures[]> {
  return async (queues) =>
    Promise.all(
      queues.map(async (queue) => ({
        queue,
        ready: (await bucketLengths(broker, t, queue)).reduce((n, b) => n + b.length, 0),
        enqueue_rate_per_second: null,
        dequeue_rate_per_second: null,
        oldest_age_seconds: null,
        not_draining_seconds: null,
      })),
    );
}
