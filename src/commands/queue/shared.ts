import type { Context } from '../../app/context.js';
import type { BulkResult } from '../../celery/write/bulk.js';
import type { Transport } from '../../celery/transport.js';
import { NotFoundError } from '../../core/errors.js';
import type { CommandResult } from '../../core/view.js';
import type { TransportInput } from '../options/transport.js';

export function transportOf(ctx: Context, o: TransportInput): Promise<Transport> {
  return ctx.transport({ sep: o.sep, prioritySteps: o.prioritySteps, visibilityTimeoutMs: o.visibilityTimeout });
}

/** Whether a queue has messages or is named by a binding, and whether it is declared (bound). */
export async function queueExists(ctx: Context, t: Transport, queue: string): Promise<{ exists: boolean; declared: boolean }> {
  const [{ bucketLengths }, { discoverQueues }] = await Promise.all([import('../../celery/read.js'), import('../../celery/list.js')]);
  const broker = await ctx.broker();
  const { names, declared } = await discoverQueues(broker, t);
  const hasMessages = (await bucketLengths(broker, t, queue)).some((b) => b.length > 0);
  return {
    exists: hasMessages || names.some((n) => n.toString('utf8') === queue),
    declared: declared.has(Buffer.from(queue).toString('latin1')),
  };
}

/** Throws NotFound (exit 3) for a queue that has no messages and no binding, naming the known ones. */
export async function requireQueue(ctx: Context, t: Transport, queue: string): Promise<void> {
  const [{ bucketLengths }, { discoverQueues }] = await Promise.all([import('../../celery/read.js'), import('../../celery/list.js')]);
  const broker = await ctx.broker();
  if ((await bucketLengths(broker, t, queue)).some((b) => b.length > 0)) return;
  const { names } = await discoverQueues(broker, t);
  if (names.some((n) => n.toString('utf8') === queue)) return;
  const known = names.map((n) => n.toString('utf8')).join(', ') || 'none';
  throw new NotFoundError(`no queue '${queue}' in the broker`, `known: ${known}`);
}

/** The summary of a move or purge: one line for people (gone with -q), the counts for scripts. */
export function bulkResult(ctx: Context, verb: string, r: BulkResult, dryRun: boolean): CommandResult {
  const done = dryRun ? 0 : r.done;
  for (const f of r.failed.slice(0, 20)) ctx.out.warn(`position ${f.position}: ${f.reason}`);
  const text =
    `${dryRun ? 'dry run: ' : ''}scanned ${r.scanned}, matched ${r.matched}, ${verb} ${done}, ` +
    `skipped ${r.vanished} (taken by a worker first), failed ${r.failed.length}`;
  return {
    views: [{ kind: 'summary', text }],
    json: { dry_run: dryRun, scanned: r.scanned, matched: r.matched, [verb]: done, skipped: r.vanished, failed: r.failed.length, failures: r.failed },
  };
}
