import type { SignalName } from '../../app/context.js';
import { NotFoundError, ProblemFound, UsageError } from '../../core/errors.js';
import { FILTER_OPTIONS, type FilterInput, filterSpec } from '../options/filter.js';
import { TRANSPORT_OPTIONS, type TransportInput } from '../options/transport.js';
import { DRY_RUN, LIMIT, type WriteInput, YES } from '../options/write.js';
import { defineCommand } from '../spec.js';
import { interrupted } from './purge-notes.js';
import { bulkResult, queueExists, queueName, transportOf } from './shared.js';

interface Input extends TransportInput, FilterInput, WriteInput {
  src: string;
  dst: string;
  limit?: number;
  keepRouting?: boolean;
}

export const queueMove = defineCommand<Input>({
  path: ['queue', 'move'],
  redis: 'lean',
  summary:
    'move matching messages to another queue, keeping bucket and order; ' +
    'rewrites delivery_info.routing_key unless --keep-routing',
  args: [
    { name: 'src', required: true, complete: 'queues' },
    { name: 'dst', required: true, complete: 'queues' },
  ],
  options: [
    LIMIT,
    { name: 'keep-routing', type: 'boolean', description: 'leave delivery_info.routing_key as it was' },
    DRY_RUN,
    YES,
    ...FILTER_OPTIONS,
    ...TRANSPORT_OPTIONS,
  ],
  examples: [
    'loonctl queue move loonflow loonflow-slow --task tasks.send_ticket_notice --yes',
    'loonctl queue move loonflow loonflow-b --limit 1000 --dry-run',
  ],
  async run(ctx, o) {
    if (o.src === o.dst) throw new UsageError('source and destination are the same queue');
    // Loaded while the first round trips are under way.
    const modules = Promise.all([
      import('../../celery/filter.js'),
      import('../../celery/write/bulk.js'),
      import('../../celery/read.js'),
    ]);
    const t = await transportOf(ctx, o);
    if (!(await queueExists(ctx, t, o.src)).exists) throw new NotFoundError(`no queue '${o.src}' in the broker`);
    if (!(await queueExists(ctx, t, o.dst)).declared) {
      ctx.out.warn(
        `'${o.dst}' has no binding: no worker or producer has declared it, so nothing may consume what is moved there`,
      );
    }
    const [{ makeFilter }, { bulkTake }, { bucketLengths }] = await modules;
    const filter = makeFilter(filterSpec(o));
    const question = `Move ${filter ? 'matching ' : 'all '}messages from '${o.src}' to '${o.dst}'?`;
    if (!o.dryRun && !(await ctx.out.confirm(question, o.yes))) throw new ProblemFound('nothing moved');
    const broker = await ctx.broker();
    const total = (await bucketLengths(broker, t, await queueName(o.src))).reduce((n, b) => n + b.length, 0);
    const progress = ctx.out.progress('moving', filter ? total : Math.min(total, o.limit ?? total));
    // Ctrl-C or TERM: finish the chunk in flight and put held messages back, then stop.
    let stoppedBy: SignalName | undefined;
    ctx.signalHandler = (sig) => {
      stoppedBy ??= sig;
      ctx.abort();
    };
    const r = await bulkTake(broker, t, await queueName(o.src), {
      mode: 'move',
      filter,
      limit: o.limit,
      dryRun: !!o.dryRun,
      dst: { queue: o.dst, keepRouting: !!o.keepRouting },
      progress: (n) => progress.update(n),
      signal: ctx.signal,
    });
    progress.finish();
    return interrupted(bulkResult(ctx, 'moved', r, !!o.dryRun), stoppedBy);
  },
});
