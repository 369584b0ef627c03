import type { SignalName } from '../../app/context.js';
import { NotFoundError, ProblemFound } from '../../core/errors.js';
import { FILTER_OPTIONS, type FilterInput, filterSpec } from '../options/filter.js';
import { TRANSPORT_OPTIONS, type TransportInput } from '../options/transport.js';
import { DRY_RUN, LIMIT, type WriteInput, YES } from '../options/write.js';
import { defineCommand } from '../spec.js';
import { interrupted, warnUnacked } from './purge-notes.js';
import { bulkResult, DEFAULT_MUTEX_WAIT_MS, MUTEX_WAIT, queueExists, queueName, transportOf } from './shared.js';

interface Input extends TransportInput, FilterInput, WriteInput {
  queue: string;
  unacked?: boolean;
  backup?: string;
  append?: boolean;
  limit?: number;
  mutexWait?: number;
}

export const queuePurge = defineCommand<Input>({
  path: ['queue', 'purge'],
  summary:
    'delete only the matching messages (ready, or --unacked entries); --backup writes and flushes them to a file first',
  args: [{ name: 'queue', required: true, complete: 'queues' }],
  options: [
    { name: 'unacked', type: 'boolean', description: "purge this queue's unacked entries instead of ready messages" },
    {
      name: 'backup',
      type: 'string',
      placeholder: 'file',
      complete: 'file',
      description: 'write the messages here (export format) before removing them; only those written are removed',
    },
    { name: 'append', type: 'boolean', description: 'add to an existing --backup file (the default refuses)' },
    MUTEX_WAIT,
    LIMIT,
    DRY_RUN,
    YES,
    ...FILTER_OPTIONS,
    ...TRANSPORT_OPTIONS,
  ],
  examples: [
    'loonctl queue purge loonflow --task tasks.send_ticket_notice --backup notices.jsonl --yes',
    'loonctl queue purge loonflow --grep "ticket_id=42" --dry-run',
  ],
  async run(ctx, o) {
    const t = await transportOf(ctx, o);
    if (!(await queueExists(ctx, t, o.queue)).exists) throw new NotFoundError(`no queue '${o.queue}' in the broker`);
    const [{ makeFilter }, { bulkTake }, { purgeUnacked }, { withUnackedMutex }, { bucketLengths }] = await Promise.all(
      [
        import('../../celery/filter.js'),
        import('../../celery/write/bulk.js'),
        import('../../celery/write/purge-unacked.js'),
        import('../../celery/write/mutex.js'),
        import('../../celery/read.js'),
      ],
    );
    const filter = makeFilter(filterSpec(o));
    const question = `Delete ${filter ? 'matching' : 'ALL'} messages of '${o.queue}'?`;
    if (!o.dryRun && !(await ctx.out.confirm(question, o.yes))) throw new ProblemFound('nothing deleted');
    const { openOutputFile } = await import('../../core/files.js');
    // The backup is a journal (records, then a commit line per window): no interruption makes an import
    // of it run a message twice.
    const backupTo =
      o.backup && !o.dryRun
        ? await openOutputFile(o.backup, {
            existing: o.append ? 'append' : 'refuse',
            refuseHint: 'pass --append to add to it',
          })
        : undefined;
    const broker = await ctx.broker();
    // Ctrl-C or TERM: let the window in flight finish (its records and commit line are written), then stop.
    let stoppedBy: SignalName | undefined;
    ctx.signalHandler = (sig) => {
      stoppedBy ??= sig;
      ctx.abort();
    };
    try {
      const common = { filter, limit: o.limit, dryRun: !!o.dryRun, backupTo, signal: ctx.signal };
      if (o.unacked) {
        if (!o.dryRun) warnUnacked(ctx, o.queue);
        const routingKey = (await queueName(o.queue)).toString('utf8');
        const r = await withUnackedMutex(
          broker,
          t,
          o.mutexWait ?? DEFAULT_MUTEX_WAIT_MS,
          () => purgeUnacked(broker, t, routingKey, common),
          (what) => ctx.out.info(what),
        );
        return interrupted(bulkResult(ctx, 'removed', r, !!o.dryRun), stoppedBy);
      }
      const total = (await bucketLengths(broker, t, await queueName(o.queue))).reduce((n, b) => n + b.length, 0);
      const progress = ctx.out.progress('purging', filter ? total : Math.min(total, o.limit ?? total));
      const progressTo = (n: number) => progress.update(n);
      const r = await bulkTake(broker, t, await queueName(o.queue), { mode: 'purge', ...common, progress: progressTo });
      progress.finish();
      return interrupted(bulkResult(ctx, 'removed', r, !!o.dryRun), stoppedBy);
    } finally {
      await backupTo?.close();
    }
  },
});
