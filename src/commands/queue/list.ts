import type { Context } from '../../app/context.js';
import type { FlowStore } from '../../monitor/flow.js';
import { table } from '../../core/view.js';
import { watchOption } from '../options/watch.js';
import { defineCommand } from '../spec.js';
import { CONTROL_OPTIONS, type ControlInput, mailboxOf, replyWaitMs } from '../worker/shared.js';
import { labelOf, listColumns, type Row, rowJson } from './list-view.js';

type Input = ControlInput & { all?: boolean; workers: boolean; watch?: number | true };

export const queueList = defineCommand<Input>({
  path: ['queue', 'list'],
  redis: 'lean',
  summary: 'every queue: ready messages per priority bucket, unacked, age of the oldest unacked',
  options: [
    { name: 'all', type: 'boolean', description: 'include internal queues (pidbox, celeryev)' },
    {
      name: 'workers',
      type: 'boolean',
      negatable: true,
      default: true,
      description: 'do not ask the live workers which queues they consume (no CONSUMERS column)',
    },
    watchOption('enqueue/dequeue rates and the oldest wait per queue, from the broker alone'),
    ...CONTROL_OPTIONS,
  ],
  examples: ['loonctl queue list', 'loonctl queue list --all --json', 'loonctl queue list --watch 5 --no-workers'],
  async run(ctx, o) {
    const [{ broker, m, t }, { listQueues }, { census, consumersByQueue }] = await Promise.all([
      mailboxOf(ctx, o),
      import('../../celery/list.js'),
      import('../../celery/control/census.js'),
    ]);
    const once = async (store?: FlowStore) => {
      const [list, c] = await Promise.all([
        listQueues(broker, t, !!o.all),
        o.workers ? census(broker, m, { idleTimeoutMs: replyWaitMs(ctx), signal: ctx.signal }) : undefined,
      ]);
      const by = c && consumersByQueue(c);
      const rows: Row[] = list.map((q) => ({ ...q, consumers: by ? (by.get(q.name) ?? []) : null }));
      if (store) {
        const { observeFlow } = await import('../../monitor/flow.js');
        const flow = await observeFlow(broker, t, rows.map(labelOf), store);
        rows.forEach((r, i) => (r.flow = flow[i]));
      }
      return rows;
    };
    if (o.watch === undefined) {
      const rows = await once();
      return { views: [table(rows, listColumns(t, false), { empty: 'no queues' })], json: rows.map(rowJson) };
    }
    const { memoryFlowStore } = await import('../../monitor/flow.js');
    const store = memoryFlowStore();
    const before = new Map<string, number>();
    await every(ctx, o.watch === true ? 2 : o.watch, async (tick) => {
      const rows = await once(store);
      for (const r of rows) {
        r.ready_delta = before.has(labelOf(r)) ? r.ready - before.get(labelOf(r))! : null;
        before.set(labelOf(r), r.ready);
      }
      if (ctx.out.stdout.isTTY && !ctx.out.isJson) {
        ctx.out.stdout.write('\x1b[H\x1b[2J');
        ctx.out.render({ views: [table(rows, listColumns(t, true), { empty: 'no queues' })] });
      } else ctx.out.line(JSON.stringify({ tick, at: new Date().toISOString(), queues: rows.map(rowJson) }));
    });
    return undefined;
  },
});

/** Runs `fn` every `seconds` until the operator interrupts. */
async function every(ctx: Context, seconds: number, fn: (tick: number) => Promise<void>): Promise<void> {
  for (let tick = 1; !ctx.signal.aborted; tick++) {
    await fn(tick);
    await new Promise<void>((r) => {
      const stop = () => (clearTimeout(timer), r());
      const timer = setTimeout(() => (ctx.signal.removeEventListener('abort', stop), r()), seconds * 1000);
      ctx.signal.addEventListener('abort', stop, { once: true });
    });
  }
}
