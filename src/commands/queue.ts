import type { Command } from 'commander';
import type { PeekedMessage, PeekedUnacked } from '../celery/peek.js';
import type { Context } from '../core/context.js';
import { NotFoundError } from '../core/errors.js';
import { type Column } from '../core/output.js';
import { parseIntOption } from '../core/parse.js';
import { action, examples } from './action.js';
import { addFilterOptions, addTransportOptions, filterSpec, transportOf, type FilterFlags, type TransportFlags } from './queue-options.js';
import { registerQueueWrite } from './queue-write.js';

const clip = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function messageColumns<T extends { message: PeekedMessage['message'] }>(): Column<T>[] {
  return [
    { header: 'TASK', value: (r) => (r.message.ok ? r.message.task : `(broken: ${r.message.error})${r.message.task ? ` ${r.message.task}` : ''}`), tone: (r) => (r.message.ok ? undefined : 'fail') },
    { header: 'ID', value: (r) => r.message.id },
    { header: 'ARGS', value: (r) => clip(r.message.args !== null && r.message.args !== undefined ? JSON.stringify(r.message.args) : (r.message.argsrepr ?? '')) },
    { header: 'KWARGS', value: (r) => clip(r.message.kwargs !== null && r.message.kwargs !== undefined ? JSON.stringify(r.message.kwargs) : (r.message.kwargsrepr ?? '')) },
    { header: 'ETA', value: (r) => r.message.eta },
    { header: 'EXPIRES', value: (r) => r.message.expires },
    { header: 'RETRIES', value: (r) => r.message.retries, align: 'right' },
    { header: 'PRI', value: (r) => r.message.priority, align: 'right' },
    { header: 'SIZE', value: (r) => r.message.size, align: 'right' },
    { header: 'NOTE', value: (r) => r.message.bodyNote, tone: () => 'dim' },
    { header: 'ROOT', value: (r) => r.message.rootId, wide: true },
    { header: 'PARENT', value: (r) => r.message.parentId, wide: true },
    { header: 'ORIGIN', value: (r) => r.message.origin, wide: true },
    { header: 'TAG', value: (r) => r.message.deliveryTag, wide: true },
    { header: 'CTYPE', value: (r) => r.message.contentType, wide: true },
    { header: 'REDELIVERED', value: (r) => r.message.redelivered, wide: true },
  ];
}

async function requireQueue(ctx: Context, t: Awaited<ReturnType<typeof transportOf>>, queue: string): Promise<void> {
  const [{ bucketLengths }, { discoverQueues }] = await Promise.all([import('../celery/read.js'), import('../celery/list.js')]);
  const broker = await ctx.broker();
  if ((await bucketLengths(broker, t, queue)).some((b) => b.length > 0)) return;
  const { names } = await discoverQueues(broker, t);
  if (!names.some((n) => n.toString('utf8') === queue)) throw new NotFoundError(`no queue '${queue}' in the broker`, `known: ${names.map((n) => n.toString('utf8')).join(', ') || 'none'}`);
}

export function registerQueue(program: Command): void {
  const queue = program.command('queue').description('Celery queues in Redis: list, peek, show, stats, export; requeue, move, purge, import');
  examples(queue, [
    'loonctl queue list',
    'loonctl queue peek loonflow --limit 5',
    'loonctl queue peek loonflow --unacked',
    'loonctl queue show 5f1c2d7e-...',
    'loonctl queue stats loonflow --watch',
    'loonctl queue export loonflow -f loonflow.jsonl',
  ]);

  examples(
    addTransportOptions(queue.command('list').description('every queue: ready messages per priority bucket, unacked, age of the oldest unacked').option('--all', 'include internal queues (pidbox, celeryev)')).action(
      action<TransportFlags & { all?: boolean }>(async (ctx, o) => {
        const t = await transportOf(ctx, o);
        const { listQueues } = await import('../celery/list.js');
        const queues = await listQueues(await ctx.broker(), t, !!o.all);
        ctx.out.table(
          queues,
          [
            { header: 'QUEUE', value: (q) => q.name },
            { header: 'READY', value: (q) => q.ready, align: 'right' },
            ...t.prioritySteps.map((s): Column<(typeof queues)[number]> => ({ header: `P${s}`, value: (q) => q.buckets[String(s)], align: 'right' })),
            { header: 'UNACKED', value: (q) => q.unacked, align: 'right', tone: (q) => (q.unacked ? 'warn' : undefined) },
            { header: 'OLDEST UNACKED', value: (q) => (q.oldest_unacked_age === null ? '' : `${q.oldest_unacked_age}s`), align: 'right', tone: (q) => (q.oldest_unacked_age !== null && q.oldest_unacked_age > t.visibilityTimeoutS ? 'fail' : undefined) },
          ],
          { empty: 'no queues' },
        );
      }),
    ),
    ['loonctl queue list', 'loonctl queue list --all --json'],
  );

  examples(
    addTransportOptions(
      addFilterOptions(
        queue
          .command('peek')
          .description('messages in the order workers take them, decoded, without consuming them')
          .argument('<queue>')
          .option('--limit <n>', 'at most this many', '20')
          .option('--offset <n>', 'skip this many (matches, with filters)', '0')
          .option('--unacked', "this queue's entries in unacked, with their age")
          .option('--raw', 'print the stored bytes, one message per line'),
      ),
    ).action(
      action<TransportFlags & FilterFlags & { limit: string; offset: string; unacked?: boolean; raw?: boolean }>(async (ctx, o, [name]) => {
        const t = await transportOf(ctx, o);
        const limit = parseIntOption(o.limit, '--limit', 1);
        const offset = parseIntOption(o.offset, '--offset', 0);
        const { makeFilter } = await import('../celery/filter.js');
        const filter = makeFilter(filterSpec(o));
        const [{ peekQueue, peekUnacked }, { summarize }, { redisNow }] = await Promise.all([import('../celery/peek.js'), import('../celery/summary.js'), import('../celery/read.js')]);
        const broker = await ctx.broker();
        if (o.unacked) {
          const rows = await peekUnacked(broker, t, name!, await redisNow(broker), { limit, offset, filter });
          if (o.raw) return ctx.out.write(Buffer.concat(rows.flatMap((r) => [r.value, Buffer.from('\n')])));
          ctx.out.table(
            rows,
            [
              { header: 'TAG', value: (r: PeekedUnacked) => r.tag },
              { header: 'AGE', value: (r: PeekedUnacked) => (r.age === null ? '?' : `${Math.round(r.age)}s`), align: 'right', tone: (r) => (r.age !== null && r.age > t.visibilityTimeoutS ? 'fail' : undefined) },
              ...messageColumns<PeekedUnacked>(),
            ],
            { json: rows.map((r) => ({ tag: r.tag, age: r.age, since: r.since, bucket: r.bucket, ...summarize(r.message), ...(r.error ? { broken: r.error } : {}) })), empty: `nothing of '${name}' in unacked` },
          );
          return;
        }
        await requireQueue(ctx, t, name!);
        const rows = await peekQueue(broker, t, name!, { limit, offset, filter });
        if (o.raw) return ctx.out.write(Buffer.concat(rows.flatMap((r) => [r.raw, Buffer.from('\n')])));
        ctx.out.table(rows, [{ header: 'POS', value: (r: PeekedMessage) => r.position, align: 'right' }, { header: 'BUCKET', value: (r) => r.bucket, align: 'right', wide: true }, ...messageColumns<PeekedMessage>()], {
          json: rows.map((r) => ({ position: r.position, bucket: r.bucket, ...summarize(r.message) })),
          empty: `no messages in '${name}'${filter ? ' match' : ''}`,
        });
      }),
    ),
    ['loonctl queue peek loonflow', 'loonctl queue peek loonflow --task "tasks.flow_*" --grep 工单 -o wide', 'loonctl queue peek loonflow --unacked', 'loonctl queue peek loonflow --limit 1 --raw'],
  );

  examples(
    addTransportOptions(queue.command('show').description('find a task by id in any queue or in unacked and print all of it').argument('<task-id>')).action(
      action<TransportFlags>(async (ctx, o, [id]) => {
        const t = await transportOf(ctx, o);
        const [{ findTask }, { summarize }, { redisNow }] = await Promise.all([import('../celery/find.js'), import('../celery/summary.js'), import('../celery/read.js')]);
        const broker = await ctx.broker();
        const f = await findTask(broker, t, id!);
        if (!f) throw new NotFoundError(`no task ${id} in any queue or in unacked`, 'it may have run already; check the result backend');
        const now = await redisNow(broker);
        const where =
          f.where === 'queue'
            ? { where: 'queue', queue: f.queue, bucket: f.bucket, position: f.position }
            : { where: 'unacked', queue: f.queue, tag: f.tag, since: f.since, age: f.since === null ? null : Math.round(now - f.since) };
        const m = f.message;
        const doc = { ...where, ...summarize(m), headers: m.headers, properties: m.properties, body: m.body ?? null, embed: m.embed };
        if (ctx.out.isJson) return ctx.out.json(doc);
        const flat: Record<string, unknown> = { ...where, ...summarize(m) };
        for (const [k, v] of Object.entries(m.headers ?? {})) flat[`headers.${k}`] = v;
        for (const [k, v] of Object.entries(m.properties ?? {})) flat[`properties.${k}`] = v;
        if (m.embed) for (const [k, v] of Object.entries(m.embed)) flat[`embed.${k}`] = v;
        for (const [k, v] of Object.entries(flat)) if (v === null || v === undefined) flat[k] = '-';
        ctx.out.record(flat, { tones: { broken: m.ok ? undefined : 'fail' } });
      }),
    ),
    ['loonctl queue show 6f0b2c1e-8a0e-4b55-9c1d-1c8f6f3a7d10', 'loonctl queue show $ID --json | jq .headers'],
  );

  examples(
    addTransportOptions(
      queue
        .command('stats')
        .description('counts by task and priority, ETA due vs future, unacked by age')
        .argument('[queue]')
        .option('--watch [seconds]', 'refresh every N seconds (default 2); one JSON line per interval when not on a terminal'),
    ).action(
      action<TransportFlags & { watch?: string | boolean }>(async (ctx, o, [name]) => {
        const t = await transportOf(ctx, o);
        const { queueStats } = await import('../celery/stats.js');
        const broker = await ctx.broker();
        if (name) await requireQueue(ctx, t, name);
        const print = (s: Awaited<ReturnType<typeof queueStats>>) => {
          if (ctx.out.isJson) return ctx.out.json(s);
          ctx.out.line(`${s.at}  ${s.queues.join(', ') || '(no queues)'}: ${s.ready} ready, ${s.unacked} unacked, ${s.broken} broken`);
          const rows = [
            ...Object.entries(s.by_task).map(([k, v]) => ({ group: 'task', key: k, n: v })),
            ...Object.entries(s.by_priority).map(([k, v]) => ({ group: 'priority', key: k, n: v })),
            { group: 'eta', key: 'due', n: s.eta.past },
            { group: 'eta', key: 'future', n: s.eta.future },
            ...Object.entries(s.unacked_by_age).map(([k, v]) => ({ group: 'unacked age', key: k, n: v })),
          ];
          ctx.out.table(rows, [
            { header: 'GROUP', value: (r) => r.group, tone: () => 'dim' },
            { header: 'KEY', value: (r) => r.key },
            { header: 'COUNT', value: (r) => r.n, align: 'right' },
          ]);
        };
        if (o.watch === undefined) return print(await queueStats(broker, t, name ?? null));
        const seconds = o.watch === true ? 2 : parseIntOption(String(o.watch), '--watch', 1, 86400);
        const live = !!ctx.out.stdout.isTTY && !ctx.out.isJson;
        while (!ctx.signal.aborted) {
          const s = await queueStats(broker, t, name ?? null);
          if (live) {
            ctx.out.stdout.write('\x1b[H\x1b[2J');
            print(s);
          } else ctx.out.line(JSON.stringify(s));
          await new Promise<void>((r) => {
            const timer = setTimeout(r, seconds * 1000);
            ctx.signal.addEventListener('abort', () => (clearTimeout(timer), r()), { once: true });
          });
        }
      }),
    ),
    ['loonctl queue stats', 'loonctl queue stats loonflow --watch 5', 'loonctl queue stats loonflow --watch 60 >> backlog.jsonl'],
  );

  examples(
    addTransportOptions(
      addFilterOptions(
        queue
          .command('export')
          .description('JSON lines, one per message: the exact stored bytes (base64), where each was, and a decoded summary')
          .argument('<queue>')
          .option('-f, --file <file>', 'write here instead of stdout')
          .option('--unacked', "export this queue's unacked entries instead of its ready messages")
          .option('--limit <n>', 'at most this many')
          .option('--no-summary', 'leave out the decoded summary (no decoding: fastest; import needs only the bytes)'),
      ),
    ).action(
      action<TransportFlags & FilterFlags & { file?: string; unacked?: boolean; limit?: string; summary: boolean }>(async (ctx, o, [name]) => {
        const t = await transportOf(ctx, o);
        const limit = o.limit === undefined ? undefined : parseIntOption(o.limit, '--limit', 1);
        const [{ makeFilter }, { exportQueue }, { openOutputFile }] = await Promise.all([import('../celery/filter.js'), import('../celery/export.js'), import('../core/files.js')]);
        const filter = makeFilter(filterSpec(o));
        if (!o.unacked) await requireQueue(ctx, t, name!);
        const broker = await ctx.broker();
        const progress = ctx.out.progress('exporting');
        const file = o.file ? await openOutputFile(o.file) : undefined;
        let n = 0;
        let written = 0;
        const write = file ? (l: string) => file.write(l) : (l: string) => ctx.out.write(l);
        try {
          n = await exportQueue(broker, t, Buffer.from(name!), { filter, unacked: !!o.unacked, limit, summary: o.summary }, (lines, count) => {
            written += count;
            progress.update(written);
            return write(lines);
          });
        } finally {
          progress.finish();
          await file?.close();
        }
        ctx.out.info(`exported ${n} message(s) from '${name}'${o.file ? ` to ${o.file}` : ''}`);
      }),
    ),
    ['loonctl queue export loonflow -f loonflow.jsonl', 'loonctl queue export loonflow --task tasks.flow_hook_task | gzip > hooks.jsonl.gz'],
  );

  registerQueueWrite(queue);
}
