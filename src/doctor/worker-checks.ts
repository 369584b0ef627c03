import type { Context } from '../app/context.js';
import { formatDuration } from '../core/time-format.js';
import { check, type CheckResult } from './check.js';

/**
 * From a census of the live workers: a queue with ready messages that no live worker consumes fails
 * (nothing will ever run them); tasks running longer than `maxRuntimeS` warn (a hook stuck on a dead endpoint).
 */
export async function workerChecks(ctx: Context, brokerOk: boolean, maxRuntimeS: number): Promise<CheckResult[]> {
  if (!brokerOk) return [check('queue consumers', 'skip', 'broker unreachable')];
  const [{ listQueues }, { makeTransport }, { census }, { makeMailbox }, { controlHealth }] = await Promise.all([
    import('../celery/list.js'),
    import('../celery/transport.js'),
    import('../celery/control/census.js'),
    import('../celery/control/names.js'),
    import('../celery/control/health.js'),
  ]);
  const broker = await ctx.broker();
  const t = makeTransport({ keyPrefix: ctx.config.keyPrefix.value });
  const [queues, c] = await Promise.all([
    listQueues(broker, t, false),
    census(broker, makeMailbox(t, broker.options.db ?? 0), { idleTimeoutMs: 1000, signal: ctx.signal }),
  ]);
  const h = controlHealth(c, new Map(queues.map((q) => [q.name, q.ready])), maxRuntimeS);
  const workers = `${c.workers.length} live worker(s)`;
  const consumers = h.unconsumed.length
    ? check(
        'queue consumers',
        'fail',
        `${h.unconsumed.map((u) => `${u.queue} (${u.ready} ready)`).join(', ')}: ` +
          `no live worker consumes it (${workers})`,
        { unconsumed: h.unconsumed, workers: c.workers.map((w) => w.hostname) },
      )
    : check('queue consumers', 'ok', `every queue with ready messages has a consumer (${workers})`);
  const long = h.longRunning
    .slice(0, 5)
    .map((x) => `${x.name} ${x.id} on ${x.worker} for ${formatDuration(x.runningS!)}`);
  const running = h.longRunning.length
    ? check(
        'long-running tasks',
        'warn',
        `${h.longRunning.length} over ${formatDuration(maxRuntimeS)}: ${long.join('; ')}`,
      )
    : check('long-running tasks', 'ok', `none over ${formatDuration(maxRuntimeS)}`);
  return [consumers, running];
}
