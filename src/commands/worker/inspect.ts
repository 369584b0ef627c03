import type { InspectReply } from '../../celery/control/calls.js';
import type { WorkerTask } from '../../celery/control/task-info.js';
import { UsageError } from '../../core/errors.js';
import { formatDuration } from '../../core/time-format.js';
import { type CommandResult, table } from '../../core/view.js';
import { defineCommand } from '../spec.js';
import { CONTROL_OPTIONS, type ControlInput, mailboxOf, replyWaitMs, warnMissing } from './shared.js';

const METHODS = ['active', 'reserved', 'scheduled', 'stats', 'queues', 'revoked', 'registered', 'ping'];
const TASK_METHODS = new Set(['active', 'reserved', 'scheduled']);

interface Input extends ControlInput {
  args: string[];
  longerThan?: number;
}

type Row = WorkerTask & { worker: string };

export const workerInspect = defineCommand<Input>({
  path: ['worker', 'inspect'],
  summary: `ask live workers (all, or those named) one of: ${METHODS.join(', ')}; tasks with how long each has run`,
  args: [{ name: 'args', variadic: true, required: true, complete: 'workers', description: '[worker...] method' }],
  options: [
    { name: 'longer-than', type: 'duration', description: 'only tasks running at least this long (hung ones)' },
    ...CONTROL_OPTIONS,
  ],
  examples: [
    'loonctl worker inspect active',
    'loonctl worker inspect celery@lf-task-1 reserved',
    'loonctl worker inspect active --longer-than 10m   # hung hooks',
    'loonctl worker inspect stats --json',
  ],
  async run(ctx, o) {
    const method = o.args[o.args.length - 1];
    if (!METHODS.includes(method))
      throw new UsageError(`cannot inspect '${method}'`, `the last word is one of: ${METHODS.join(', ')}`);
    const workers = o.args.slice(0, -1);
    const { broker, m } = await mailboxOf(ctx, o);
    const { inspectWorkers } = await import('../../celery/control/calls.js');
    const r = await inspectWorkers(broker, m, method, {
      workers: workers.length ? workers : undefined,
      idleTimeoutMs: replyWaitMs(ctx),
      signal: ctx.signal,
    });
    warnMissing(ctx, r.missing);
    for (const u of r.unreadable) ctx.out.warn(`a reply could not be read: ${u}`);
    for (const e of r.replies.filter((x) => x.error)) ctx.out.warn(`${e.hostname}: ${e.error}`);
    if (!TASK_METHODS.has(method)) return rawReplies(r.replies);
    const minS = o.longerThan === undefined ? undefined : o.longerThan / 1000;
    const rows: Row[] = r.replies
      .flatMap((x) => (x.tasks ?? []).map((t) => ({ ...t, worker: x.hostname })))
      .filter((t) => minS === undefined || (t.runningS !== null && t.runningS >= minS));
    const view = table<Row>(
      rows,
      [
        { header: 'WORKER', min: 12, value: (t) => t.worker, priority: 2 },
        { header: 'ID', min: 9, value: (t) => t.id },
        { header: 'TASK', min: 16, value: (t) => t.name },
        { header: 'RUNNING', value: (t) => (t.runningS === null ? '' : formatDuration(t.runningS)), align: 'right' },
        { header: 'ETA', value: (t) => t.eta, priority: 3 },
        {
          header: 'ARGS',
          min: 10,
          value: (t) => (typeof t.args === 'string' ? t.args : JSON.stringify(t.args)),
          priority: 4,
        },
        { header: 'PID', value: (t) => t.workerPid, align: 'right', priority: 5 },
      ],
      { empty: `no ${method} tasks` },
    );
    const json = rows.map(({ runningS, timeStart, workerPid, ...t }) => ({
      ...t,
      running_seconds: runningS,
      time_start: timeStart,
      worker_pid: workerPid,
    }));
    return { views: [view], json };
  },
});

function rawReplies(replies: InspectReply[]): CommandResult {
  const view = table(replies, [
    { header: 'WORKER', min: 16, value: (x) => x.hostname },
    { header: 'REPLY', min: 20, value: (x) => x.error ?? x.result },
  ]);
  return {
    views: [view],
    json: Object.fromEntries(replies.map((x) => [x.hostname, x.error ? { error: x.error } : x.result])),
  };
}
