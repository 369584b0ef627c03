import type { Redis } from 'ioredis';
import type { Mailbox } from '../celery/control/names.js';
import type { Transport } from '../celery/transport.js';
import type { FlowStore } from '../monitor/flow.js';

/** What the collectors read from: the Redis clients, opened lazily, and the deployment's layout. */
export interface MetricsSource {
  broker(): Promise<Redis>;
  /** LoonFlow's Redis (serial counters, locks). */
  redis(): Promise<Redis>;
  t: Transport;
  mailbox: Mailbox;
  /** Today's serial counter against the database; null when no database is configured or no serials exist. */
  serial: (() => Promise<SerialReading | null>) | null;
}

export interface SerialReading {
  counter: number | null;
  rows: number;
  maxSeq: number;
  status: string;
}

export interface MetricsOptions {
  /** Ask live workers (census): consumers, orphaned vs held. */
  workers: boolean;
  censusTimeoutMs: number;
  /** A queue with up to this many ready messages (within its share of the budget) is counted exactly by task. */
  exactLimit: number;
  /** Messages read per collection to count ready messages by task, shared out among the queues. */
  readBudget: number;
  /** Task names kept as labels (the most frequent); the rest are summed under `other`. */
  maxTasks: number;
  /** Locks: SCAN pattern, and how many are shown one by one (the oldest). */
  lockMatch: string;
  maxLocks: number;
  /** Where the broker-only flow tracking keeps its state between collections; null: no flow families. */
  flowStore: FlowStore | null;
  /** Accumulate enqueued/dequeued counters across collections (a long-running --listen). */
  flowCounters: boolean;
}

/**
 * A Redis client getter for a long-running exporter: a client that lost its connection (loonctl's
 * clients never reconnect by themselves) is dropped and a new one opened on the next call.
 */
export function reconnecting(open: () => Promise<Redis>): { get: () => Promise<Redis>; close: () => void } {
  let current: Promise<Redis> | undefined;
  return {
    async get() {
      const c = current && (await current.catch(() => undefined));
      if (c && c.status === 'ready') return c;
      c?.disconnect();
      current = open();
      return current;
    },
    close() {
      void current?.then(
        (c) => c.disconnect(),
        () => {},
      );
    },
  };
}
