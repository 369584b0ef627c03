import { consumersByQueue, type Census } from './census.js';
import type { WorkerTask } from './task-info.js';

export interface ControlHealth {
  /** Queues with ready messages that no answering worker consumes (doctor: fail). */
  unconsumed: { queue: string; ready: number }[];
  /** Tasks running longer than the threshold (doctor: warn), longest first. */
  longRunning: (WorkerTask & { worker: string })[];
}

/**
 * What doctor reports from a census: ready queues nobody consumes and hung-looking tasks. Only
 * meaningful for a census that answered; with an untrusted one, say so next to the result.
 */
export function controlHealth(c: Census, readyByQueue: Map<string, number>, longerThanS: number): ControlHealth {
  const consumers = consumersByQueue(c);
  const unconsumed = [...readyByQueue]
    .filter(([q, ready]) => ready > 0 && !consumers.has(q))
    .map(([queue, ready]) => ({ queue, ready }))
    .sort((a, b) => a.queue.localeCompare(b.queue));
  const longRunning = c.workers
    .flatMap((w) => w.active.map((t) => ({ ...t, worker: w.hostname })))
    .filter((t) => t.runningS !== null && t.runningS > longerThanS)
    .sort((a, b) => b.runningS! - a.runningS!);
  return { unconsumed, longRunning };
}
