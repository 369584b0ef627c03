import type { CensusWorker } from '../../celery/control/census.js';
import { formatDuration } from '../../core/time-format.js';
import { table } from '../../core/view.js';
import { defineCommand } from '../spec.js';
import { CONTROL_OPTIONS, type ControlInput, mailboxOf, replyWaitMs } from './shared.js';

export const workerLs = defineCommand<ControlInput>({
  path: ['worker', 'ls'],
  redis: 'lean',
  summary: 'every live worker (those that answer a ping within --timeout, default 1s): pid, concurrency, queues, tasks',
  options: CONTROL_OPTIONS,
  examples: [
    'loonctl worker ls',
    'loonctl worker ls --json | jq ".[].hostname"',
    'loonctl worker ls --timeout 5s   # busy workers',
  ],
  async run(ctx, o) {
    const { broker, m } = await mailboxOf(ctx, o);
    const { census } = await import('../../celery/control/census.js');
    const c = await census(broker, m, { idleTimeoutMs: replyWaitMs(ctx), signal: ctx.signal });
    if (c.silent.length) {
      ctx.out.warn(`bound to the mailbox but not answering: ${c.silent.join(', ')} (killed, or too busy to answer)`);
    }
    const view = table<CensusWorker>(c.workers, [
      { header: 'WORKER', min: 16, value: (w) => w.hostname },
      { header: 'PID', value: (w) => w.pid, align: 'right', priority: 4 },
      { header: 'PROCS', value: (w) => w.concurrency, align: 'right', priority: 3 },
      { header: 'QUEUES', min: 10, value: (w) => w.queues.join(','), priority: 2 },
      { header: 'ACTIVE', value: (w) => w.counts.active, align: 'right' },
      { header: 'RESERVED', value: (w) => w.counts.reserved, align: 'right' },
      { header: 'SCHEDULED', value: (w) => w.counts.scheduled, align: 'right', priority: 2 },
      {
        header: 'UP',
        value: (w) => (w.uptimeS === null ? '' : formatDuration(w.uptimeS)),
        align: 'right',
        priority: 3,
      },
      { header: 'VERSION', value: (w) => w.version, priority: 5 },
    ]);
    const json = c.workers.map((w) => ({
      hostname: w.hostname,
      pid: w.pid,
      concurrency: w.concurrency,
      prefetch_count: w.prefetchCount,
      queues: w.queues,
      active: w.counts.active,
      reserved: w.counts.reserved,
      scheduled: w.counts.scheduled,
      processed: w.counts.processed,
      uptime_seconds: w.uptimeS,
      version: w.version,
      unanswered_calls: w.missing,
    }));
    return { views: [view], json };
  },
});
