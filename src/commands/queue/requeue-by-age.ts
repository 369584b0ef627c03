import type { Context } from '../../app/context.js';
import type { RestoreItem } from '../../celery/write/restore.js';
import { type LoonError, ProblemFound } from '../../core/errors.js';
import { formatDuration } from '../../core/time-format.js';
import { type CommandResult, table } from '../../core/view.js';
import { filterSpec } from '../options/filter.js';
import type { RequeueInput } from './requeue.js';
import { DEFAULT_MUTEX_WAIT_MS, transportOf } from './shared.js';

const caught = (fn: () => void): LoonError | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e as LoonError;
  }
};

/** `requeue` by age (--older-than, --all-ages) or by task id: kombu's own rule, without asking the workers. */
export async function requeueByAge(ctx: Context, o: RequeueInput, ids: string[]): Promise<CommandResult> {
  const t = await transportOf(ctx, o);
  const olderThanS = o.allAges ? 0 : o.olderThan !== undefined ? o.olderThan / 1000 : t.visibilityTimeoutS;
  const [
    { makeFilter },
    { restoreUnacked, restoreNeedsConfirmation, requeueIdOutcomes, assertAllRequeued },
    { withUnackedMutex },
    { redisNow },
  ] = await Promise.all([
    import('../../celery/filter.js'),
    import('../../celery/write/restore.js'),
    import('../../celery/write/mutex.js'),
    import('../../celery/read.js'),
  ]);
  const broker = await ctx.broker();
  const base = {
    keepBytes: !!o.keepBytes,
    queue: o.queue,
    ids: ids.length ? new Set(ids) : undefined,
    olderThanS,
    includeEta: !!o.includeEta,
    filter: makeFilter(filterSpec(o)),
  };
  const preview = await restoreUnacked(broker, t, { ...base, dryRun: true, now: await redisNow(broker) });
  if (preview.young) {
    ctx.out.warn(
      `${preview.young} entr${preview.young === 1 ? 'y is' : 'ies are'} younger than ${formatDuration(olderThanS)} ` +
        'and probably held by a live worker: left alone (--older-than 0 or --all-ages to include them)',
    );
  }
  for (const e of preview.etaFuture)
    ctx.out.warn(`ETA task ${e.id} (${e.task}) is due ${e.eta}: left in unacked (--include-eta to restore it)`);
  for (const f of preview.failed) ctx.out.warn(`unacked entry ${f.tag} left in place: ${f.reason}`);
  const risky = restoreNeedsConfirmation(olderThanS, t.visibilityTimeoutS);
  if (!o.dryRun && preview.matched > 0 && risky) {
    ctx.out.warn("restoring entries younger than the visibility timeout: a live worker's tasks may run twice");
    if (!(await ctx.out.confirm(`Restore ${preview.matched} unacked message(s)?`, o.yes)))
      throw new ProblemFound('nothing restored');
  }
  const result = o.dryRun
    ? preview
    : await withUnackedMutex(
        broker,
        t,
        o.mutexWait ?? DEFAULT_MUTEX_WAIT_MS,
        async () => restoreUnacked(broker, t, { ...base, dryRun: false, now: await redisNow(broker) }),
        (what) => ctx.out.info(what),
      );
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
  const text =
    `${o.dryRun ? 'dry run: ' : ''}matched ${result.matched}, restored ${restored}, ` +
    `skipped ${skipped}, failed ${result.failed.length}`;
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
  // By id: say what became of each (3 when one is nowhere in unacked, 1 when one was refused).
  const outcomes = ids.length ? requeueIdOutcomes(ids, result, olderThanS) : [];
  for (const x of outcomes.filter((x) => x.outcome === 'refused')) ctx.out.warn(`${x.id} not restored: ${x.reason}`);
  const after = ids.length ? caught(() => assertAllRequeued(outcomes)) : undefined;
  return { views: [view, { kind: 'summary', text }], json: ids.length ? { ...json, ids: outcomes } : json, after };
}
