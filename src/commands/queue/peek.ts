import type { PeekedMessage, PeekedUnacked } from '../../celery/peek.js';
import { formatDuration } from '../../core/time-format.js';
import { type CommandResult, table } from '../../core/view.js';
import { FILTER_OPTIONS, type FilterInput, filterSpec } from '../options/filter.js';
import { TRANSPORT_OPTIONS, type TransportInput } from '../options/transport.js';
import { defineCommand } from '../spec.js';
import { maybeMore, messageColumns } from './message-columns.js';
import { queueName, requireQueue, transportOf } from './shared.js';

interface Input extends TransportInput, FilterInput {
  queue: string;
  limit: number;
  offset: number;
  unacked?: boolean;
  raw?: boolean;
}

const rawLines = (list: Buffer[]): CommandResult => ({
  views: [{ kind: 'raw', data: Buffer.concat(list.flatMap((b) => [b, Buffer.from('\n')])) }],
});

export const queuePeek = defineCommand<Input>({
  path: ['queue', 'peek'],
  redis: 'lean',
  summary: 'messages in the order workers take them, decoded, without consuming them',
  args: [{ name: 'queue', required: true, complete: 'queues' }],
  options: [
    { name: 'limit', type: 'int', min: 1, default: 20, description: 'at most this many' },
    { name: 'offset', type: 'int', min: 0, default: 0, description: 'skip this many (matches, with filters)' },
    { name: 'unacked', type: 'boolean', description: "this queue's entries in unacked, with their age" },
    { name: 'raw', type: 'boolean', description: 'print the stored bytes, one message per line' },
    ...FILTER_OPTIONS,
    ...TRANSPORT_OPTIONS,
  ],
  examples: [
    'loonctl queue peek loonflow',
    'loonctl queue peek loonflow --task "tasks.flow_*" --grep 工单 -o wide',
    'loonctl queue peek loonflow --unacked',
    'loonctl queue peek loonflow --limit 1 --raw',
  ],
  async run(ctx, o) {
    const t = await transportOf(ctx, o);
    const [{ makeFilter }, { peekQueue, peekUnacked }, { summarize }, { redisNow, bucketLengths }] = await Promise.all([
      import('../../celery/filter.js'),
      import('../../celery/peek.js'),
      import('../../celery/summary.js'),
      import('../../celery/read.js'),
    ]);
    const filter = makeFilter(filterSpec(o));
    const broker = await ctx.broker();
    const tz = ctx.config.tz.value;
    const page = { limit: o.limit, offset: o.offset, filter };
    if (o.unacked) {
      const now = await redisNow(broker);
      const rows = await peekUnacked(broker, t, (await queueName(o.queue)).toString('utf8'), now, page);
      if (o.raw) return rawLines(rows.map((r) => r.value));
      const overdue = (r: PeekedUnacked) => r.age !== null && r.age > t.visibilityTimeoutS;
      const view = table<PeekedUnacked>(
        rows,
        [
          {
            header: 'AGE',
            value: (r) => (r.age === null ? '?' : formatDuration(r.age)),
            align: 'right',
            tone: (r) => (overdue(r) ? 'fail' : undefined),
          },
          ...messageColumns<PeekedUnacked>((r) => r.message, tz),
          { header: 'UNACKED TAG', wide: true, value: (r) => r.tag },
        ],
        { empty: `nothing of '${o.queue}' in unacked`, limited: maybeMore(rows.length, o.limit, null) },
      );
      const json = rows.map((r) => ({
        tag: r.tag,
        age_seconds: r.age,
        received_at: r.since === null ? null : new Date(r.since * 1000).toISOString(),
        bucket: r.bucket,
        ...summarize(r.message),
        ...(r.error ? { broken: r.error } : {}),
      }));
      return { views: [view], json };
    }
    await requireQueue(ctx, t, o.queue);
    const name = await queueName(o.queue);
    const rows = await peekQueue(broker, t, name, page);
    if (o.raw) return rawLines(rows.map((r) => r.raw));
    const total = filter ? null : (await bucketLengths(broker, t, name)).reduce((n, b) => n + b.length, 0);
    const view = table<PeekedMessage>(
      rows,
      [
        { header: 'POS', value: (r) => r.position, align: 'right' },
        { header: 'BUCKET', value: (r) => r.bucket, align: 'right', wide: true },
        ...messageColumns<PeekedMessage>((r) => r.message, tz),
      ],
      {
        empty: `no messages in '${o.queue}'${filter ? ' match' : ''}`,
        limited: maybeMore(rows.length, o.limit, total, o.offset),
      },
    );
    return {
      views: [view],
      json: rows.map((r) => ({ position: r.position, bucket: r.bucket, ...summarize(r.message) })),
    };
  },
});
