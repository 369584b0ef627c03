import type { Command } from 'commander';
import type { BulkResult } from '../celery/write/bulk.js';
import type { Context } from '../core/context.js';
import { DataError, NotFoundError, ProblemFound, UsageError } from '../core/errors.js';
import { parseDuration, parseIntOption } from '../core/parse.js';
import { action, examples } from './action.js';
import { addFilterOptions, addTransportOptions, filterSpec, transportOf, type FilterFlags, type TransportFlags } from './queue-options.js';

async function queueExists(ctx: Context, t: Awaited<ReturnType<typeof transportOf>>, queue: string): Promise<{ exists: boolean; declared: boolean }> {
  const [{ bucketLengths }, { discoverQueues }] = await Promise.all([import('../celery/read.js'), import('../celery/list.js')]);
  const broker = await ctx.broker();
  const { names, declared } = await discoverQueues(broker, t);
  const hasMessages = (await bucketLengths(broker, t, queue)).some((b) => b.length > 0);
  return { exists: hasMessages || names.some((n) => n.toString('utf8') === queue), declared: declared.has(Buffer.from(queue).toString('latin1')) };
}

function bulkSummary(ctx: Context, verb: string, r: BulkResult, dryRun: boolean): void {
  const summary = { dry_run: dryRun, scanned: r.scanned, matched: r.matched, [verb]: dryRun ? 0 : r.done, skipped: r.vanished, failed: r.failed.length, failures: r.failed };
  if (ctx.out.isJson) return ctx.out.json(summary);
  ctx.out.line(`${dryRun ? 'dry run: ' : ''}scanned ${r.scanned}, matched ${r.matched}, ${verb} ${dryRun ? 0 : r.done}, skipped ${r.vanished} (taken by a worker first), failed ${r.failed.length}`);
  for (const f of r.failed.slice(0, 20)) ctx.out.warn(`position ${f.position}: ${f.reason}`);
}

export function registerQueueWrite(queue: Command): void {
  examples(
    addTransportOptions(
      addFilterOptions(
        queue
          .command('requeue')
          .description("put unacked messages back on their queue as kombu's restore does (atomically, under unacked_mutex, into their priority bucket, to run next)")
          .argument('[task-id...]', 'restore these tasks (from unacked)')
          .option('--unacked', 'restore every matching unacked entry')
          .option('--queue <queue>', 'only entries routed to this queue')
          .option('--older-than <duration>', 'only entries a worker took at least this long ago (default: the visibility timeout)')
          .option('--all-ages', 'any age, also entries a live worker may hold (needs --yes)')
          .option('--include-eta', 'also ETA tasks whose ETA is still in the future')
          .option('--dry-run', 'list what would be restored')
          .option('--yes', 'do not ask'),
        false,
      ),
    ).action(
      action<TransportFlags & FilterFlags & { unacked?: boolean; queue?: string; olderThan?: string; allAges?: boolean; includeEta?: boolean; dryRun?: boolean; yes?: boolean }>(async (ctx, o, ids) => {
        if (!o.unacked && ids.length === 0) throw new UsageError('say what to requeue: --unacked, or task ids', 'loonctl queue requeue --unacked --queue loonflow');
        if (o.unacked && ids.length) throw new UsageError('use --unacked or task ids, not both');
        const t = await transportOf(ctx, o);
        if (o.allAges && o.olderThan !== undefined) throw new UsageError('use --older-than or --all-ages, not both');
        const olderThanS = o.allAges ? 0 : o.olderThan !== undefined ? parseDuration(o.olderThan, '--older-than') / 1000 : t.visibilityTimeoutS;
        const [{ makeFilter }, { restoreUnacked }, { withUnackedMutex }, { redisNow }] = await Promise.all([
          import('../celery/filter.js'),
          import('../celery/write/restore.js'),
          import('../celery/write/mutex.js'),
          import('../celery/read.js'),
        ]);
        const filter = makeFilter(filterSpec(o));
        const broker = await ctx.broker();
        const base = { queue: o.queue, ids: ids.length ? new Set(ids) : undefined, olderThanS, includeEta: !!o.includeEta, filter };
        const preview = await restoreUnacked(broker, t, { ...base, dryRun: true, now: await redisNow(broker) });
        if (ids.length && preview.matched === 0 && preview.young === 0 && preview.etaFuture.length === 0) {
          throw new NotFoundError(`no unacked entry for ${ids.join(', ')}`, 'loonctl queue show <id> says where a task is');
        }
        if (preview.young) {
          ctx.out.warn(`${preview.young} entr${preview.young === 1 ? 'y is' : 'ies are'} younger than ${olderThanS}s and probably held by a live worker: left alone (--older-than 0 or --all-ages to include them)`);
        }
        for (const e of preview.etaFuture) ctx.out.warn(`ETA task ${e.id} (${e.task}) is due ${e.eta}: left in unacked (--include-eta to restore it)`);
        for (const f of preview.failed) ctx.out.warn(`unacked entry ${f.tag} left in place: ${f.reason}`);
        if (!o.dryRun && preview.matched > 0) {
          if (olderThanS < t.visibilityTimeoutS) ctx.out.warn(`restoring entries younger than the visibility timeout: a live worker's tasks may run twice`);
          const ok = olderThanS < t.visibilityTimeoutS ? await ctx.out.confirm(`Restore ${preview.matched} unacked message(s)?`, o.yes) : true;
          if (!ok) throw new ProblemFound('nothing restored');
        }
        const result = o.dryRun
          ? preview
          : await withUnackedMutex(broker, t, 10_000, async () => restoreUnacked(broker, t, { ...base, dryRun: false, now: await redisNow(broker) }));
        const summary = {
          dry_run: !!o.dryRun,
          matched: result.matched,
          restored: o.dryRun ? 0 : result.restored,
          skipped: result.young + result.etaFuture.length + result.vanished,
          young: result.young,
          eta_future: result.etaFuture,
          vanished: result.vanished,
          failed: result.failed.length,
          failures: result.failed,
          items: result.items,
        };
        if (ctx.out.isJson) return ctx.out.json(summary);
        ctx.out.table(result.items, [
          { header: 'TAG', value: (i) => i.tag },
          { header: 'ID', value: (i) => i.id },
          { header: 'TASK', value: (i) => i.task },
          { header: 'QUEUE', value: (i) => i.queue },
          { header: 'BUCKET', value: (i) => i.bucket, align: 'right' },
          { header: 'AGE', value: (i) => (i.age === null ? '?' : `${Math.round(i.age)}s`), align: 'right' },
        ]);
        ctx.out.line(`${o.dryRun ? 'dry run: ' : ''}matched ${summary.matched}, restored ${summary.restored}, skipped ${summary.skipped}, failed ${summary.failed}`);
      }),
    ),
    [
      'loonctl queue requeue --unacked                      entries older than the visibility timeout',
      'loonctl queue requeue --unacked --queue loonflow --all-ages --yes   after a worker was OOM-killed',
      'loonctl queue requeue 6f0b2c1e-8a0e-4b55-9c1d-1c8f6f3a7d10 --all-ages --yes',
    ],
  );

  examples(
    addTransportOptions(
      addFilterOptions(
        queue
          .command('move')
          .description('move matching messages to another queue, keeping bucket and order; rewrites delivery_info.routing_key unless --keep-routing')
          .argument('<src>')
          .argument('<dst>')
          .option('--limit <n>', 'at most this many')
          .option('--keep-routing', 'leave delivery_info.routing_key as it was')
          .option('--dry-run', 'count what would move')
          .option('--yes', 'do not ask'),
      ),
    ).action(
      action<TransportFlags & FilterFlags & { limit?: string; keepRouting?: boolean; dryRun?: boolean; yes?: boolean }>(async (ctx, o, [src, dst]) => {
        if (src === dst) throw new UsageError('source and destination are the same queue');
        const t = await transportOf(ctx, o);
        const limit = o.limit === undefined ? undefined : parseIntOption(o.limit, '--limit', 1);
        if (!(await queueExists(ctx, t, src!)).exists) throw new NotFoundError(`no queue '${src}' in the broker`);
        const d = await queueExists(ctx, t, dst!);
        if (!d.declared) ctx.out.warn(`'${dst}' has no binding: no worker or producer has declared it, so nothing may consume what is moved there`);
        const [{ makeFilter }, { bulkTake }] = await Promise.all([import('../celery/filter.js'), import('../celery/write/bulk.js')]);
        const filter = makeFilter(filterSpec(o));
        if (!o.dryRun && !(await ctx.out.confirm(`Move ${filter ? 'matching ' : 'all '}messages from '${src}' to '${dst}'?`, o.yes))) throw new ProblemFound('nothing moved');
        const progress = ctx.out.progress('moving');
        const r = await bulkTake(await ctx.broker(), t, src!, { mode: 'move', filter, limit, dryRun: !!o.dryRun, dst: { queue: dst!, keepRouting: !!o.keepRouting }, progress: (n) => progress.update(n), signal: ctx.signal });
        progress.finish();
        bulkSummary(ctx, 'moved', r, !!o.dryRun);
      }),
    ),
    ['loonctl queue move loonflow loonflow-slow --task tasks.send_ticket_notice --yes', 'loonctl queue move loonflow loonflow-b --limit 1000 --dry-run'],
  );

  examples(
    addTransportOptions(
      addFilterOptions(
        queue
          .command('purge')
          .description('delete only the matching messages (ready, or --unacked entries); --backup writes and flushes them to a file first')
          .argument('<queue>')
          .option('--unacked', "purge this queue's unacked entries instead of ready messages")
          .option('--backup <file>', 'write the messages here (export format) before removing them; only those written are removed')
          .option('--limit <n>', 'at most this many')
          .option('--dry-run', 'count what would be deleted')
          .option('--yes', 'do not ask'),
      ),
    ).action(
      action<TransportFlags & FilterFlags & { unacked?: boolean; backup?: string; limit?: string; dryRun?: boolean; yes?: boolean }>(async (ctx, o, [name]) => {
        const t = await transportOf(ctx, o);
        const limit = o.limit === undefined ? undefined : parseIntOption(o.limit, '--limit', 1);
        if (!(await queueExists(ctx, t, name!)).exists) throw new NotFoundError(`no queue '${name}' in the broker`);
        const [{ makeFilter }, { bulkTake }, { openOutputFile }, { exportLine }, { purgeUnacked }, { withUnackedMutex }] = await Promise.all([
          import('../celery/filter.js'),
          import('../celery/write/bulk.js'),
          import('../core/files.js'),
          import('../celery/export-format.js'),
          import('../celery/write/purge-unacked.js'),
          import('../celery/write/mutex.js'),
        ]);
        const filter = makeFilter(filterSpec(o));
        if (!o.dryRun && !(await ctx.out.confirm(`Delete ${filter ? 'matching' : 'ALL'} messages of '${name}'?`, o.yes))) throw new ProblemFound('nothing deleted');
        const file = o.backup && !o.dryRun ? await openOutputFile(o.backup, 'a') : undefined;
        const progress = ctx.out.progress('purging');
        const broker = await ctx.broker();
        try {
          const backup = file
            ? async (records: import('../celery/export-format.js').ExportRecord[]) => {
                for (const rec of records) await file.write(exportLine(rec));
                await file.flush();
              }
            : undefined;
          const retract = file
            ? async (shas: string[]) => {
                for (const sha of shas) await file.write(`{"v":1,"retract":"${sha}"}\n`);
                await file.flush();
              }
            : undefined;
          if (o.unacked) {
            if (!o.dryRun) ctx.out.warn(`deleting unacked entries of '${name}': a live worker holding one will still run it, but it can no longer be restored if the worker dies`);
            const r = await withUnackedMutex(broker, t, 10_000, () => purgeUnacked(broker, t, name!, { filter, limit, dryRun: !!o.dryRun, backup, retract }));
            return bulkSummary(ctx, 'removed', r, !!o.dryRun);
          }
          const r = await bulkTake(broker, t, name!, {
            mode: 'purge',
            filter,
            limit,
            dryRun: !!o.dryRun,
            backup: file
              ? async (records) => {
                  for (const rec of records) await file.write(exportLine(rec));
                  await file.flush();
                }
              : undefined,
            retract: file
              ? async (shas) => {
                  for (const sha of shas) await file.write(`{"v":1,"retract":"${sha}"}\n`);
                  await file.flush();
                }
              : undefined,
            progress: (n) => progress.update(n),
            signal: ctx.signal,
          });
          progress.finish();
          bulkSummary(ctx, 'removed', r, !!o.dryRun);
        } finally {
          await file?.close();
        }
      }),
    ),
    ['loonctl queue purge loonflow --task tasks.send_ticket_notice --backup notices.jsonl --yes', 'loonctl queue purge loonflow --grep "ticket_id=42" --dry-run'],
  );

  examples(
    addTransportOptions(
      queue
        .command('import')
        .description('push back what export or purge --backup wrote, byte for byte, to its queue and bucket')
        .argument('<file>')
        .option('--to <queue>', 'into this queue instead')
        .option('--skip-existing', 'skip messages whose delivery tag is already in the queue or unacked')
        .option('--dry-run', 'count what would be imported'),
    ).action(
      action<TransportFlags & { to?: string; skipExisting?: boolean; dryRun?: boolean }>(async (ctx, o, [file]) => {
        const t = await transportOf(ctx, o);
        const { importFile } = await import('../celery/write/import.js');
        const progress = ctx.out.progress('importing');
        const r = await importFile(await ctx.broker(), t, file!, { to: o.to, skipExisting: !!o.skipExisting, dryRun: !!o.dryRun, progress: (n) => progress.update(n) });
        progress.finish();
        const summary = { dry_run: !!o.dryRun, lines: r.lines, imported: r.imported, skipped: r.skipped, retracted: r.retracted, error: r.error ?? null };
        if (ctx.out.isJson) ctx.out.json(summary);
        else ctx.out.line(`${o.dryRun ? 'dry run: ' : ''}imported ${r.imported}, skipped ${r.skipped} already present, ${r.retracted} retracted`);
        if (r.error) throw new DataError(`${file}: line ${r.error.line}: ${r.error.reason}`, `imported ${r.imported} message(s) from the lines before it`);
      }),
    ),
    ['loonctl queue import loonflow.jsonl', 'loonctl queue import notices.jsonl --to loonflow-replay --skip-existing'],
  );
}
