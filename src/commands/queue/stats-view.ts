import type { QueueStats } from '../../celery/stats.js';
import { formatDuration } from '../../core/time-format.js';
import { table, type View } from '../../core/view.js';
import type { StatsTick } from '../../monitor/stats-watch.js';

/** The table of counts, under a heading that says when the counts are estimates from a sample. */
export function statsViews(s: QueueStats): View[] {
  const rows = [
    ...Object.entries(s.by_task).map(([k, v]) => ({ group: 'task', key: k, n: v })),
    ...Object.entries(s.by_priority).map(([k, v]) => ({ group: 'priority', key: k, n: v })),
    { group: 'eta', key: 'due', n: s.eta.past },
    { group: 'eta', key: 'future', n: s.eta.future },
    ...Object.entries(s.unacked_by_age).map(([k, v]) => ({ group: 'unacked age', key: k, n: v })),
  ];
  const queues = s.queues.join(', ') || '(no queues)';
  const heading = `${s.at}  ${queues}: ${s.ready} ready, ${s.unacked} unacked, ${s.broken} broken`;
  const views: View[] = [{ kind: 'heading', text: heading }];
  if (s.sample) {
    const n = s.sample;
    views.push({
      kind: 'summary',
      tone: 'warn',
      text:
        `sampled: ${n.messages} of ${n.of} ready messages in ${n.windows} evenly spaced windows of up to ` +
        `${n.window_size} per priority bucket (more than ${n.exact_limit}); task, priority, ETA and broken ` +
        'counts are estimates scaled to each bucket length (--exact reads every message)',
    });
  }
  views.push(
    table(rows, [
      { header: 'GROUP', value: (r) => r.group, tone: () => 'dim' },
      { header: 'KEY', min: 20, value: (r) => r.key },
      { header: 'COUNT', value: (r) => r.n, align: 'right' },
    ]),
  );
  return views;
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
const perSecond = (n: number | null) => (n === null ? '?' : `${n.toFixed(1)}/s`);

/** One line of what moved since the previous tick. */
export function flowLine(t: StatsTick): string {
  if (t.interval_seconds === null) return `tick ${t.tick}: first look (rates from the next tick)`;
  const exact = t.flow.every((f) => f.exact) ? '' : ' (at least: too much moved between ticks to count exactly)';
  const parts = [
    `tick ${t.tick} (${formatDuration(t.interval_seconds)})`,
    `ready ${signed(t.ready_delta ?? 0)}`,
    `enqueued ${t.enqueued ?? '?'} (${perSecond(t.enqueue_rate_per_second)})`,
    `dequeued ${t.dequeued ?? '?'} (${perSecond(t.dequeue_rate_per_second)})${exact}`,
  ];
  if (t.oldest_age_seconds !== null) parts.push(`oldest waiting >= ${formatDuration(t.oldest_age_seconds)}`);
  if (t.not_draining_seconds !== null) parts.push(`NOT DRAINING for >= ${formatDuration(t.not_draining_seconds)}`);
  return parts.join(', ');
}
