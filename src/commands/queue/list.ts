import type { QueueInfo } from '../../celery/list.js';
import { formatDuration } from '../../core/time-format.js';
import { type Column, table } from '../../core/view.js';
import { TRANSPORT_OPTIONS, type TransportInput } from '../options/transport.js';
import { defineCommand } from '../spec.js';
import { transportOf } from './shared.js';

export const queueList = defineCommand<TransportInput & { all?: boolean }>({
  path: ['queue', 'list'],
  summary: 'every queue: ready messages per priority bucket, unacked, age of the oldest unacked',
  options: [{ name: 'all', type: 'boolean', description: 'include internal queues (pidbox, celeryev)' }, ...TRANSPORT_OPTIONS],
  examples: ['loonctl queue list', 'loonctl queue list --all --json'],
  async run(ctx, o) {
    const t = await transportOf(ctx, o);
    const { listQueues } = await import('../../celery/list.js');
    const queues = await listQueues(await ctx.broker(), t, !!o.all);
    const overdue = (q: QueueInfo) => q.oldest_unacked_age !== null && q.oldest_unacked_age > t.visibilityTimeoutS;
    const columns: Column<QueueInfo>[] = [
      { header: 'QUEUE', min: 12, value: (q) => q.name },
      { header: 'READY', value: (q) => q.ready, align: 'right' },
      ...t.prioritySteps.map(
        (s): Column<QueueInfo> => ({ header: `P${s}`, value: (q) => q.buckets[String(s)], align: 'right', priority: 3 }),
      ),
      { header: 'UNACKED', value: (q) => q.unacked, align: 'right', tone: (q) => (q.unacked ? 'warn' : undefined) },
      {
        header: 'OLDEST UNACKED',
        value: (q) => (q.oldest_unacked_age === null ? '' : formatDuration(q.oldest_unacked_age)),
        align: 'right',
        priority: 2,
        tone: (q) => (overdue(q) ? 'fail' : undefined),
      },
    ];
    const json = queues.map(({ oldest_unacked_age, ...q }) => ({ ...q, oldest_unacked_age_seconds: oldest_unacked_age }));
    return { views: [table(queues, columns, { empty: 'no queues' })], json };
  },
});
