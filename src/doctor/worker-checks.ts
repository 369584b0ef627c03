import type { Redis } from 'ioredis';
import type { QueueInfo } from '../celery/list.js';
import type { Mailbox } from '../celery/control/names.js';
import { formatDuration } from '../core/time-format.js';
import { check, type CheckResult } from './check.js';

export interface WorkerCheckOptions {
  maxRuntimeS: number;
  /** How long to wait for census replies. */
  waitMs: number;
  signal?: AbortSignal;
}

/**
 * From a census of the live workers: a queue with ready messages that no live worker consumes fails
 * (nothing will ever run them); tasks running longer than `maxRuntimeS` warn (a hook stuck on a dead endpoint).
 * A census nobody answered proves nothing (no worker, or another db, key prefix or control exchange): unknown.
 */
export async function workerChecks(
  broker: Redis,
  m: Mailbox,
  queues: readonly QueueInfo[],
  o: WorkerCheckOptions,
): Promise<CheckResult[]> {
  const [{ census }, { controlHealth }] = await Promise.all([
    import('../celery/control/census.js'),
    import('../celery/control/health.js'),
  ]);
  const c = await census(broker, m, { idleTimeoutMs: o.waitMs, signal: o.signal });
  const h = controlHealth(c, new Map(queues.map((q) => [q.name, q.ready])), o.maxRuntimeS);
  const workers = `${c.workers.length} live worker(s)`;
  const data = { unconsumed: h.unconsumed, workers: c.workers.map((w) => w.hostname), silent: c.silent };
  const waiting = h.unconsumed.map((u) => `${u.queue} (${u.ready} ready)`).join(', ');
  const why = c.distrust.join('; ');
  let consumers: CheckResult;
  if (!h.unconsumed.length) {
    const none = c.workers.length ? '' : '; no worker answered';
    consumers = check('queue consumers', 'ok', `every queue with ready messages has a consumer (${workers}${none})`);
  } else if (!c.workers.length || !c.trusted) {
    consumers = check('queue consumers', 'unknown', `cannot tell whether anything consumes ${waiting}: ${why}`, data);
  } else {
    consumers = check('queue consumers', 'fail', `${waiting}: no live worker consumes it (${workers})`, data);
  }
  const long = h.longRunning
    .slice(0, 5)
    .map((x) => `${x.name} ${x.id} on ${x.worker} for ${formatDuration(x.runningS!)}`);
  const limit = formatDuration(o.maxRuntimeS);
  const running = !c.workers.length
    ? check('long-running tasks', 'unknown', 'no worker answered the census')
    : h.longRunning.length
      ? check('long-running tasks', 'warn', `${h.longRunning.length} over ${limit}: ${long.join('; ')}`)
      : check('long-running tasks', 'ok', `none over ${limit}`);
  return [consumers, running];
}
