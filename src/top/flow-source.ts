import type { Redis } from 'ioredis';
import type { Transport } from '../celery/transport.js';
import { memoryFlowStore, observeFlow } from '../monitor/flow.js';
import type { FlowFigures } from './types.js';

/**
 * The broker-only flow collection of the monitoring issue (src/monitor/flow.ts), its state kept in
 * memory between refreshes: per refresh O(queues x buckets) small commands, never the backlog.
 */
export function flowSource(broker: Redis, t: Transport): (queues: string[]) => Promise<FlowFigures[]> {
  const store = memoryFlowStore();
  return (queues) => observeFlow(broker, t, queues, store);
}
