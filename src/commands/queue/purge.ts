import type { Context } from '../../app/context.js';
import { NotFoundError, ProblemFound } from '../../core/errors.js';
import { FILTER_OPTIONS, type FilterInput, filterSpec } from '../options/filter.js';
import { TRANSPORT_OPTIONS, type TransportInput } from '../options/transport.js';
import { DRY_RUN, LIMIT, type WriteInput, YES } from '../options/write.js';
import { defineCommand } from '../spec.js';
import { backupWriter } from './backup-file.js';
import { bulkResult, queueExists, queueName, transportOf } from './shared.js';

interface Input extends TransportInput, FilterInput, WriteInput {
  queue: string;
  unacked?: boolean;
  backup?: string;
  limit?: number;
}

export const queuePurge = defineCommand<Input>({
  path: ['queue', 'purge'],
  summary: 'delete only the matching messages (ready, or --unacked entries); --backup writes and flushes them to a file first',
  args: [{ name: 'queue', required: true, complete: 'queues' }],
  options: [
    { name: 'unacked', type: 'boolean', description: "purge this queue's unacked entries instead of ready messages" },
    { name: 'backup', type: 'string', placeholder: 'file', complete: 'file',
      description: 'write the messages here (export format) before removing them; only those written are removed' },
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
    const [{ makeFilter }, { bulkTake }, { purgeUnacked }, { withUnackedMutex }, { bucketLengths }] = await Promise.all([
      import('../../celery/filter.js'),
      import('../../celery/write/bulk.js'),
      import('../../celery/write/purge-unacked.js'),
      import('../../celery/write/mutex.js'),
      import('../../celery/read.js'),
    ]);
    const filter = makeFilter(filterSpec(o));
    const question = `Delete ${filter ? 'matching' : 'ALL'} messages of '${o.queue}'?`;
    if (!o.dryRun && !(await ctx.out.confirm(question, o.yes))) throw new ProblemFound('nothing deleted');
    const backup = o.backup && !o.dryRun ? await backupWriter(o.backup) : undefined;
    const broker = await ctx.broker();
    try {
      const common = { filter, limit: o.limit, dryRun: !!o.dryRun, backup: backup?.records, retract: backup?.retract };
      if (o.unacked) {
        if (!o.dryRun) warnUnacked(ctx, o.queue);
        const routingKey = (await queueName(o.queue)).toString('utf8');
        const r = await withUnackedMutex(broker, t, 10_000, () => purgeUnacked(broker, t, routingKey, common));
        return bulkResult(ctx, 'removed', r, !!o.dryRun);
      }
      const total = (await bucketLengths(broker, t, await queueName(o.queue))).reduce((n, b) => n + b.length, 0);
      const progress = ctx.out.progress('purging', filter ? total : Math.min(total, o.limit ?? total));
      const r = await bulkTake(broker, t, await queueName(o.queue), { mode: 'purge', ...common, progress: (n) => progress.update(n), signal: ctx.signal });
      progress.finish();
      return bulkResult(ctx, 'removed', r, !!o.dryRun);
    } finally {
      await backup?.close();
    }
  },
});

function warnUnacked(ctx: Context, queue: string): void {
  ctx.out.warn(
    `deleting unacked entries of '${queue}': a live worker holding one will still run it, but it can no longer be restored if the worker dies`,
  );
}
