import { FILTER_OPTIONS, type FilterInput, filterSpec } from '../options/filter.js';
import { TRANSPORT_OPTIONS, type TransportInput } from '../options/transport.js';
import { LIMIT } from '../options/write.js';
import { defineCommand } from '../spec.js';
import { queueName, requireQueue, transportOf } from './shared.js';

interface Input extends TransportInput, FilterInput {
  queue: string;
  file?: string;
  unacked?: boolean;
  limit?: number;
  summary: boolean;
  force?: boolean;
}

export const queueExport = defineCommand<Input>({
  path: ['queue', 'export'],
  redis: 'lean',
  summary: 'JSON lines, one per message: the exact stored bytes (base64), where each was, and a decoded summary',
  args: [{ name: 'queue', required: true, complete: 'queues' }],
  options: [
    {
      name: 'file',
      short: 'f',
      type: 'string',
      placeholder: 'file',
      complete: 'file',
      description: 'write here instead of stdout',
    },
    { name: 'force', type: 'boolean', description: 'replace FILE if it exists (the default refuses)' },
    {
      name: 'unacked',
      type: 'boolean',
      description: "export this queue's unacked entries instead of its ready messages",
    },
    LIMIT,
    {
      name: 'summary',
      type: 'boolean',
      negatable: true,
      default: true,
      description: 'leave out the decoded summary (no decoding: fastest; import needs only the bytes)',
    },
    ...FILTER_OPTIONS,
    ...TRANSPORT_OPTIONS,
  ],
  examples: [
    'loonctl queue export loonflow -f loonflow.jsonl',
    'loonctl queue export loonflow --task tasks.flow_hook_task | gzip > hooks.jsonl.gz',
  ],
  async run(ctx, o) {
    const t = await transportOf(ctx, o);
    const [{ makeFilter }, { exportQueue }, { openOutputFile }, { bucketLengths }] = await Promise.all([
      import('../../celery/filter.js'),
      import('../../celery/export.js'),
      import('../../core/files.js'),
      import('../../celery/read.js'),
    ]);
    const filter = makeFilter(filterSpec(o));
    await requireQueue(ctx, t, o.queue);
    const name = await queueName(o.queue);
    const broker = await ctx.broker();
    const total = o.unacked ? undefined : (await bucketLengths(broker, t, name)).reduce((n, b) => n + b.length, 0);
    const progress = ctx.out.progress('exporting', filter ? undefined : total && Math.min(total, o.limit ?? total));
    // Written to FILE.partial and renamed only when complete: a cut-short export never looks whole.
    const file = o.file
      ? await openOutputFile(o.file, {
          partial: true,
          existing: o.force ? 'overwrite' : 'refuse',
          refuseHint: 'pass --force to replace it',
        })
      : undefined;
    const write = file ? (l: string | Buffer) => file.write(l) : (l: string | Buffer) => ctx.out.write(l);
    let written = 0;
    let n: number;
    try {
      const opts = { filter, unacked: !!o.unacked, limit: o.limit, summary: o.summary };
      n = await exportQueue(broker, t, name, opts, (lines, count) => {
        written += count;
        progress.update(written);
        return write(lines);
      });
      await file?.commit();
    } catch (e) {
      await file?.close().catch(() => {});
      const { withSoFar } = await import('../../core/errors.js');
      throw withSoFar(e, file ? `partial export left in ${file.path}` : `${written} message(s) written before that`);
    } finally {
      progress.finish();
    }
    ctx.out.info(`exported ${n} message(s) from '${o.queue}'${o.file ? ` to ${o.file}` : ''}`);
    return undefined;
  },
});
