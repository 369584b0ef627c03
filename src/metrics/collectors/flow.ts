import type { Redis } from 'ioredis';
import type { Transport } from '../../celery/transport.js';
import { observeFlow, type FlowStore } from '../../monitor/flow.js';
import { FamilySet } from '../families.js';
import type { QueueDepth } from './queues.js';

/** Running enqueued/dequeued totals of one exporter process (Prometheus counters start at its start). */
export type FlowTotals = Map<string, { enqueued: number; dequeued: number }>;

/**
 * Broker-only flow: between two observations the tail of each list says what was consumed and the
 * length change what was produced. The oldest-message age is a lower bound (the first time loonctl saw
 * the current tail), never an enqueue time: Celery messages carry none.
 */
export async function flowFamilies(
  broker: Redis,
  t: Transport,
  queues: readonly QueueDepth[],
  store: FlowStore,
  totals: FlowTotals | null,
): Promise<FamilySet> {
  const samples = await observeFlow(
    broker,
    t,
    queues.map((q) => q.label),
    store,
  );
  const set = new FamilySet();
  const oldest = set.gauge(
    'loonctl_queue_oldest_ready_age_lower_bound_seconds',
    'Age of the oldest ready message, as a lower bound: since loonctl first saw the current tail message ' +
      '(Celery messages carry no enqueue time; the error is up to one observation interval ' +
      'plus the time before the first).',
  );
  const enq = set.gauge(
    'loonctl_queue_enqueue_rate_messages_per_second',
    'Messages added to the queue per second since the previous observation (from the length change and the tail).',
  );
  const deq = set.gauge(
    'loonctl_queue_dequeue_rate_messages_per_second',
    'Messages taken from the queue per second since the previous observation (from the tail).',
  );
  const stalled = set.gauge(
    'loonctl_queue_not_draining_seconds',
    'Seconds the queue has had ready messages and no observed dequeue; 0 while it drains or is empty.',
  );
  const exact = set.gauge(
    'loonctl_queue_flow_exact',
    '1 when the enqueued/dequeued figures of the latest observation are exact, 0 when they are lower bounds ' +
      '(first look, more traffic between looks than the tail window shows, identical messages).',
  );
  const enqTotal = totals && set.counter('loonctl_queue_enqueued_messages_total', 'Messages seen added to the queue.');
  const deqTotal =
    totals && set.counter('loonctl_queue_dequeued_messages_total', 'Messages seen taken from the queue.');
  for (const s of samples) {
    const labels = { queue: s.queue };
    if (s.oldest_age_seconds !== null) oldest.set(labels, s.oldest_age_seconds);
    if (s.enqueue_rate_per_second !== null) enq.set(labels, s.enqueue_rate_per_second);
    if (s.dequeue_rate_per_second !== null) deq.set(labels, s.dequeue_rate_per_second);
    stalled.set(labels, s.not_draining_seconds ?? 0);
    exact.set(labels, s.exact ? 1 : 0);
    if (totals && enqTotal && deqTotal) {
      const row = totals.get(s.queue) ?? { enqueued: 0, dequeued: 0 };
      row.enqueued += s.enqueued ?? 0;
      row.dequeued += s.dequeued ?? 0;
      totals.set(s.queue, row);
      enqTotal.set(labels, row.enqueued);
      deqTotal.set(labels, row.dequeued);
    }
  }
  return set;
}
