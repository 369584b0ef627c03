import type { Context } from '../../app/context.js';
import type { StatsWatcher } from '../../monitor/stats-watch.js';
import { TRANSPORT_OPTIONS, type TransportInput } from '../options/transport.js';
import { watchOption } from '../options/watch.js';
import { defineCommand } from '../spec.js';
import { queueName, requireQueue, transportOf } from './shared.js';
import { flowLine, statsViews } from './stats-view.js';

interface Input extends TransportInput {
  queue?: string;
  watch?: number | true;
  exact?: boolean;
}

export const queueStats = defineCommand<Input>({
  path: ['queue', 'stats'],
  summary: 'counts by task and priority, ETA due vs future, unacked by age; rates with --watch',
  args: [{ name: 'queue', complete: 'queues' }],
  options: [
    watchOption('enqueue/dequeue rates; after the first tick a tick reads only new messages'),
    {
      name: 'exact',
      type: 'boolean',
      description: 'read every message even past 100,000 ready (default: sample beyond, and say so)',
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
    const broker = await ctx.broker();
    if (o.queue) await requireQueue(ctx, t, o.queue);
    const name = o.queue === undefined ? null : await queueName(o.queue);
    if (o.watch === undefined) {
      const { queueStats: collect } = await import('../../celery/stats.js');
      const s = await collect(broker, t, name, { exact: o.exact });
      return { views: statsViews(s), json: s };
    }
    const { StatsWatcher } = await import('../../monitor/stats-watch.js');
    await watch(ctx, o.watch === true ? 2 : o.watch, new StatsWatcher(broker, t, name));
    return undefined;
  },
});

async function watch(ctx: Context, seconds: number, w: StatsWatcher): Promise<void> {
  const live = !!ctx.out.stdout.isTTY && !ctx.out.isJson;
  while (!ctx.signal.aborted) {
    const s = await w.tick();
    if (live) {
      ctx.out.stdout.write('\x1b[H\x1b[2J');
      ctx.out.render({ views: [...statsViews(s), { kind: 'summary', text: flowLine(s) }] });
    } else ctx.out.line(JSON.stringify(s));
    await new Promise<void>((r) => {
      const stop = () => (clearTimeout(timer), r());
      const timer = setTimeout(() => (ctx.signal.removeEventListener('abort', stop), r()), seconds * 1000);
      ctx.signal.addEventListener('abort', stop, { once: true });
    });
  }
}
