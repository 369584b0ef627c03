import type { Context } from '../../app/context.js';
import type { RestoreItem } from '../../celery/write/restore.js';
import type { MessageFilter } from '../../celery/filter.js';
import { formatDuration } from '../../core/time-format.js';
import { type CommandResult, table } from '../../core/view.js';
import { mailboxOf, replyWaitMs, type ControlInput } from '../worker/shared.js';

/**
 * `requeue --unacked` by default: ask the live workers what they hold (a census), then restore exactly
 * the entries no live worker holds, at any age. When the census cannot be trusted (a bound worker did
 * not answer, a reply was unreadable), kombu's own visibility-timeout rule decides, and we say why.
 */
export async function requeueOrphans(
  ctx: Context,
  o: ControlInput & { queue?: string; dryRun?: boolean; ids?: Set<string>; mutexWait?: number },
  filter: MessageFilter | null,
): Promise<CommandResult> {
  const { broker, m, t } = await mailboxOf(ctx, o);
  const [{ census: takeCensus }, { restoreOrphans }] = await Promise.all([
    import('../../celery/control/census.js'),
    import('../../celery/control/restore-orphans.js'),
  ]);
  const census = await takeCensus(broker, m, { idleTimeoutMs: replyWaitMs(ctx), signal: ctx.signal });
  const r = await restoreOrphans(broker, t, {
    census,
    queue: o.queue,
    ids: o.ids,
    filter,
    dryRun: !!o.dryRun,
    mutexWaitMs: o.mutexWait,
  });
  const c = r.classification;
  if (c.rule === 'visibility-timeout') {
    ctx.out.warn(
      `census not trusted (${c.distrust.join('; ')}): only entries older than the visibility timeout ` +
        `(${formatDuration(t.visibilityTimeoutS)}) count as orphans`,
    );
  }
  ctx.out.info(
    `${census.workers.length} live worker(s); unacked: ${c.counts.held} held, ` +
      `${c.counts.orphan} orphaned, ${c.counts.unknown} undecided`,
  );
  const res = r.restore;
  const restored = o.dryRun ? 0 : res.restored;
  const unreadable = c.entries.filter((e) => e.status === 'unknown' && e.id === null);
  for (const e of unreadable) ctx.out.warn(`unacked entry ${e.tag} left in place: ${e.reason}`);
  const failures = [...res.failed, ...unreadable.map((e) => ({ tag: e.tag, reason: e.reason }))];
  const view = table<RestoreItem>(res.items, [
    { header: 'ID', min: 9, value: (i) => i.id },
    { header: 'TASK', min: 16, value: (i) => i.task },
    { header: 'QUEUE', min: 8, value: (i) => i.queue },
    { header: 'AGE', value: (i) => (i.age === null ? '?' : formatDuration(i.age)), align: 'right', priority: 2 },
    { header: 'TAG', value: (i) => i.tag, priority: 4 },
  ]);
  const matched = res.matched + unreadable.length;
  const text =
    `${o.dryRun ? 'dry run: ' : ''}orphans ${matched}, restored ${restored}, ` +
    `held by live workers ${c.counts.held}, failed ${failures.length}`;
  const json = {
    dry_run: !!o.dryRun,
    rule: c.rule,
    distrust: c.distrust,
    workers: census.workers.map((w) => w.hostname),
    held: c.counts.held,
    orphaned: c.counts.orphan,
    undecided: c.counts.unknown,
    matched,
    restored,
    vanished: res.vanished,
    failed: failures.length,
    failures,
    items: res.items.map(({ age, ...i }) => ({ ...i, age_seconds: age })),
  };
  return { views: [view, { kind: 'summary', text }], json };
}
