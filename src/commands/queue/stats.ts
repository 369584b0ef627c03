import type { Context } from '../../app/context.js';
import type { QueueStats } from '../../celery/stats.js';
import { table, type View } from '../../core/view.js';
import { TRANSPORT_OPTIONS, type TransportInput } from '../options/transport.js';
import { defineCommand } from '../spec.js';
import { queueName, requireQueue, transportOf } from './shared.js';

interface Input extends TransportInput {
  queue?: string;
  watch?: number | true;
}

export const queueStats = defineCommand<Input>({
  path: ['queue', 'stats'],
  summary: 'counts by task and priority, ETA due vs future, unacked by age',
  args: [{ name: 'queue', complete: 'queues' }],
  options: [
    {
      name: 'watch',
      type: 'optional-int',
      placeholder: 'seconds',
      min: 1,
      max: 86400,
      description: 'refresh every N seconds (default 2); one JSON line per interval when not on a terminal',
    },
    ...TRANSPORT_OPTIONS,
  ],
  examples: [
    'loonctl queue stats',
    'loonctl queue stats loonflow --watch 5',
    'loonctl queue stats loonflow --watch 60 >> backlog.jsonl',
  ],
  async run(ctx, o) {
    const t = await transportOf(ctx, o);
    const { queueStats: collect } = await import('../../celery/stats.js');
    const broker = await ctx.broker();
    if (o.queue) await requireQueue(ctx, t, o.queue);
    const name = o.queue === undefined ? null : await queueName(o.queue);
    const once = () => collect(broker, t, name);
    if (o.watch === undefined) {
      const s = await once();
      return { views: statsViews(s), json: s };
    }
    await watch(ctx, o.watch === true ? 2 : o.watch, once);
    return undefined;
  },
});

async function watch(ctx: Context, seconds: number, once: () => Promise<QueueStats>): Promise<void> {
  const live = !!ctx.out.stdout.isTTY && !ctx.out.isJson;
  while (!ctx.signal.aborted) {
    const s = await once();
    if (live) {
      ctx.out.stdout.write('\x1b[H\x1b[2J');
      ctx.out.render({ views: statsViews(s) });
    } else ctx.out.line(JSON.stringify(s));
    await new Promise<void>((r) => {
      const timer = setTimeout(r, seconds * 1000);
      ctx.signal.addEventListener('abort', () => (clearTimeout(timer), r()), { once: true });
    });
  }
}

function statsViews(s: QueueStats): View[] {
  const rows = [
    ...Object.entries(s.by_task).map(([k, v]) => ({ group: 'task', key: k, n: v })),
    ...Object.entries(s.by_priority).map(([k, v]) => ({ group: 'priority', key: k, n: v })),
    { group: 'eta', key: 'due', n: s.eta.past },
    { group: 'eta', key: 'future', n: s.eta.future },
    ...Object.entries(s.unacked_by_age).map(([k, v]) => ({ group: 'unacked age', key: k, n: v })),
  ];
  const queues = s.queues.join(', ') || '(no queues)';
  const heading = `${s.at}  ${queues}: ${s.ready} ready, ${s.unacked} unacked, ${s.broken} broken`;
  return [
    { kind: 'heading', text: heading },
    table(rows, [
      { header: 'GROUP', value: (r) => r.group, tone: () => 'dim' },
      { header: 'KEY', min: 20, value: (r) => r.key },
      { header: 'COUNT', value: (r) => r.n, align: 'right' },
    ]),
  ];
}
