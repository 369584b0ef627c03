import type { RestoreItem } from '../../celery/write/restore.js';
import { NotFoundError, ProblemFound, UsageError } from '../../core/errors.js';
import { formatDuration } from '../../core/time-format.js';
import { table } from '../../core/view.js';
import { FILTER_OPTIONS_NO_ETA, type FilterInput, filterSpec } from '../options/filter.js';
import { CONTROL_OPTIONS, type ControlInput } from '../worker/shared.js';
import { DRY_RUN, type WriteInput, YES } from '../options/write.js';
import { defineCommand } from '../spec.js';
import { requeueOrphans } from './requeue-orphans.js';
import { transportOf } from './shared.js';

interface Input extends ControlInput, FilterInput, WriteInput {
  taskIds: string[];
  unacked?: boolean;
  queue?: string;
  olderThan?: number;
  allAges?: boolean;
  includeEta?: boolean;
}

export const queueRequeue = defineCommand<Input>({
  path: ['queue', 'requeue'],
  summary:
    "put unacked messages back on their queue as kombu's restore does (atomically, under unacked_mutex, into their priority bucket, to run next)",
  args: [{ name: 'task-ids', variadic: true, description: 'restore these tasks (from unacked)' }],
  options: [
    { name: 'unacked', type: 'boolean',
      description: 'restore the unacked entries no live worker holds (asks the workers; any age)' },
    { name: 'queue', type: 'string', placeholder: 'queue', complete: 'queues', description: 'only entries routed to this queue' },
    { name: 'older-than', type: 'duration', max: '366d',
      description: 'instead of asking the workers: entries a worker took at least this long ago' },
    { name: 'all-ages', type: 'boolean', description: 'instead of asking the workers: any age, also what a live worker holds (needs --yes)' },
    { name: 'include-eta', type: 'boolean', description: 'also ETA tasks whose ETA is still in the future' },
    DRY_RUN,
    YES,
    ...FILTER_OPTIONS_NO_ETA,
    ...CONTROL_OPTIONS,
  ],
  examples: [
    'loonctl queue requeue --unacked --queue loonflow     after a worker was OOM-killed: what no live worker holds',
    'loonctl queue requeue --unacked --older-than 2h      by age alone, without asking the workers',
    'loonctl queue requeue 6f0b2c1e-8a0e-4b55-9c1d-1c8f6f3a7d10 --all-ages --yes',
  ],
  async run(ctx, o) {
    const ids = o.taskIds;
    if (!o.unacked && ids.length === 0) {
      throw new UsageError('say what to requeue: --unacked, or task ids', 'loonctl queue requeue --unacked --queue loonflow');
    }
    if (o.unacked && ids.length) throw new UsageError('use --unacked or task ids, not both');
    if (o.allAges && o.olderThan !== undefined) throw new UsageError('use --older-than or --all-ages, not both');
    const [{ makeFilter: filterOf }] = await Promise.all([import('../../celery/filter.js')]);
    if (o.unacked && o.olderThan === undefined && !o.allAges) return requeueOrphans(ctx, o, filterOf(filterSpec(o)));
    const t = await transportOf(ctx, o);
    const olderThanS = o.allAges ? 0 : o.olderThan !== undefined ? o.olderThan / 1000 : t.visibilityTimeoutS;
    const [{ makeFilter }, { restoreUnacked }, { withUnackedMutex }, { redisNow }] = await Promise.all([
      import('../../celery/filter.js'),
      import('../../celery/write/restore.js'),
      import('../../celery/write/mutex.js'),
      import('../../celery/read.js'),
    ]);
    const broker = await ctx.broker();
    const base = { queue: o.queue, ids: ids.length ? new Set(ids) : undefined, olderThanS, includeEta: !!o.includeEta, filter: makeFilter(filterSpec(o)) };
    const preview = await restoreUnacked(broker, t, { ...base, dryRun: true, now: await redisNow(broker) });
    if (ids.length && preview.matched === 0 && preview.young === 0 && preview.etaFuture.length === 0) {
      throw new NotFoundError(`no unacked entry for ${ids.join(', ')}`, 'loonctl queue show <id> says where a task is');
    }
    if (preview.young) {
      ctx.out.warn(
        `${preview.young} entr${preview.young === 1 ? 'y is' : 'ies are'} younger than ${formatDuration(olderThanS)} and probably held by a live worker: left alone (--older-than 0 or --all-ages to include them)`,
      );
    }
    for (const e of preview.etaFuture) ctx.out.warn(`ETA task ${e.id} (${e.task}) is due ${e.eta}: left in unacked (--include-eta to restore it)`);
    for (const f of preview.failed) ctx.out.warn(`unacked entry ${f.tag} left in place: ${f.reason}`);
    const risky = olderThanS < t.visibilityTimeoutS;
    if (!o.dryRun && preview.matched > 0 && risky) {
      ctx.out.warn('restoring entries younger than the visibility timeout: a live worker\'s tasks may run twice');
      if (!(await ctx.out.confirm(`Restore ${preview.matched} unacked message(s)?`, o.yes))) throw new ProblemFound('nothing restored');
    }
    const result = o.dryRun
      ? preview
      : await withUnackedMutex(broker, t, 10_000, async () => restoreUnacked(broker, t, { ...base, dryRun: false, now: await redisNow(broker) }));
    const restored = o.dryRun ? 0 : result.restored;
    const skipped = result.young + result.etaFuture.length + result.vanished;
    const view = table<RestoreItem>(result.items, [
      { header: 'ID', min: 9, value: (i) => i.id },
      { header: 'TASK', min: 16, value: (i) => i.task },
      { header: 'QUEUE', min: 8, value: (i) => i.queue },
      { header: 'BUCKET', value: (i) => i.bucket, align: 'right', priority: 3 },
      { header: 'AGE', value: (i) => (i.age === null ? '?' : formatDuration(i.age)), align: 'right', priority: 2 },
      { header: 'TAG', value: (i) => i.tag, priority: 4 },
    ]);
    const text = `${o.dryRun ? 'dry run: ' : ''}matched ${result.matched}, restored ${restored}, skipped ${skipped}, failed ${result.failed.length}`;
    const json = {
      dry_run: !!o.dryRun,
      matched: result.matched,
      restored,
      skipped,
      young: result.young,
      eta_future: result.etaFuture.map(({ age, ...i }) => ({ ...i, age_seconds: age })),
      vanished: result.vanished,
      failed: result.failed.length,
      failures: result.failed,
      items: result.items.map(({ age, ...i }) => ({ ...i, age_seconds: age })),
    };
    return { views: [view, { kind: 'summary', text }], json };
  },
});
