import type { QueueInfo } from '../../celery/list.js';
import { formatDuration } from '../../core/time-format.js';
import { type Column, table } from '../../core/view.js';
import { defineCommand } from '../spec.js';
import { CONTROL_OPTIONS, type ControlInput, mailboxOf, replyWaitMs } from '../worker/shared.js';

type Row = QueueInfo & { consumers: string[] | null };

export const queueList = defineCommand<ControlInput & { all?: boolean; workers: boolean }>({
  path: ['queue', 'list'],
  summary: 'every queue: ready messages per priority bucket, unacked, age of the oldest unacked',
  options: [
    { name: 'all', type: 'boolean', description: 'include internal queues (pidbox, celeryev)' },
    {
      name: 'workers',
      type: 'boolean',
      negatable: true,
      default: true,
      description: 'do not ask the live workers which queues they consume (no CONSUMERS column)',
    },
    ...CONTROL_OPTIONS,
  ],
  examples: ['loonctl queue list', 'loonctl queue list --all --json'],
  async run(ctx, o) {
    const { broker, m, t } = await mailboxOf(ctx, o);
    const [{ listQueues }, { census, consumersByQueue }] = await Promise.all([
      import('../../celery/list.js'),
      import('../../celery/control/census.js'),
    ]);
    const [list, c] = await Promise.all([
      listQueues(broker, t, !!o.all),
      o.workers ? census(broker, m, { idleTimeoutMs: replyWaitMs(ctx), signal: ctx.signal }) : undefined,
    ]);
    const by = c && consumersByQueue(c);
    const queues: Row[] = list.map((q) => ({ ...q, consumers: by ? (by.get(q.name) ?? []) : null }));
    const overdue = (q: QueueInfo) => q.oldest_unacked_age !== null && q.oldest_unacked_age > t.visibilityTimeoutS;
    const idle = (q: Row) => q.consumers !== null && q.consumers.length === 0 && q.ready > 0;
    const columns: Column<Row>[] = [
      { header: 'QUEUE', min: 12, value: (q) => q.name },
      { header: 'READY', value: (q) => q.ready, align: 'right' },
      ...t.prioritySteps.map((s): Column<Row> => ({
        header: `P${s}`,
        value: (q) => q.buckets[String(s)],
        align: 'right',
        priority: 3,
      })),
      { header: 'UNACKED', value: (q) => q.unacked, align: 'right', tone: (q) => (q.unacked ? 'warn' : undefined) },
      {
        header: 'OLDEST UNACKED',
        value: (q) => (q.oldest_unacked_age === null ? '' : formatDuration(q.oldest_unacked_age)),
        align: 'right',
        priority: 2,
        tone: (q) => (overdue(q) ? 'fail' : undefined),
      },
      {
        header: 'CONSUMERS',
        value: (q) => (q.consumers === null ? '' : q.consumers.length),
        align: 'right',
        priority: 2,
        tone: (q) => (idle(q) ? 'fail' : undefined),
      },
    ];
    const json = queues.map(({ oldest_unacked_age, ...q }) => ({
      ...q,
      oldest_unacked_age_seconds: oldest_unacked_age,
    }));
    return { views: [table(queues, columns, { empty: 'no queues' })], json };
  },
});
