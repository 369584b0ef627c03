import type { Census } from '../../celery/control/census.js';
import { FamilySet } from '../families.js';
import type { QueueDepth } from './queues.js';

/** Live workers (those that answered the census) and, per queue, the workers and pool processes consuming it. */
export function workerFamilies(census: Census | undefined, queues: readonly QueueDepth[]): FamilySet {
  const set = new FamilySet();
  const available = set.gauge(
    'loonctl_worker_census_available',
    '1 when live Celery workers were asked (remote control ping, active_queues, active/reserved/scheduled) ' +
      'and the answer can be trusted to list everything they hold; 0 otherwise (then orphaned vs held is unknown).',
  );
  available.set({}, census?.trusted ? 1 : 0);
  if (!census) return set;
  set.gauge('loonctl_workers_live', 'Celery workers that answered the census ping.').set({}, census.workers.length);
  set
    .gauge('loonctl_workers_silent', 'Workers bound to the pidbox that did not answer (killed, or too busy).')
    .set({}, census.silent.length);
  const workers = new Map<string, number>();
  const processes = new Map<string, number>();
  for (const q of queues) {
    workers.set(q.label, 0);
    processes.set(q.label, 0);
  }
  for (const w of census.workers)
    for (const q of new Set(w.queues)) {
      workers.set(q, (workers.get(q) ?? 0) + 1);
      processes.set(q, (processes.get(q) ?? 0) + (w.concurrency ?? 0));
    }
  const wf = set.gauge('loonctl_queue_consumer_workers', 'Live workers consuming the queue (their active_queues).');
  const pf = set.gauge(
    'loonctl_queue_consumer_processes',
    'Pool processes of the live workers consuming the queue (sum of max-concurrency).',
  );
  for (const [q, n] of [...workers.entries()].sort()) wf.set({ queue: q }, n);
  for (const [q, n] of [...processes.entries()].sort()) pf.set({ queue: q }, n);
  return set;
}
