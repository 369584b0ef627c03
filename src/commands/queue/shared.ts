import type { Context } from '../../app/context.js';
import type { BulkResult } from '../../celery/write/bulk.js';
import type { Transport } from '../../celery/transport.js';
import type { CommandResult } from '../../core/view.js';
import type { TransportInput } from '../options/transport.js';
import type { OptionSpec } from '../spec.js';

export function transportOf(ctx: Context, o: TransportInput): Promise<Transport> {
  return ctx.transport({ sep: o.sep, prioritySteps: o.prioritySteps, visibilityTimeoutMs: o.visibilityTimeout });
}

/** A queue as the operator names it: UTF-8 text or `b64:<base64>` for a name that is not UTF-8. */
export async function queueName(text: string): Promise<Buffer> {
  const { parseQueueName } = await import('../../celery/transport.js');
  return parseQueueName(text);
}

/** Whether a queue has messages or is named by a binding, and whether it is declared (bound). */
export async function queueExists(
  ctx: Context,
  t: Transport,
  queue: string,
): Promise<{ exists: boolean; declared: boolean }> {
  const { queueExists: exists } = await import('../../celery/list.js');
  return exists(await ctx.broker(), t, await queueName(queue));
}

/** Throws NotFound (exit 3) for a queue that has no messages and no binding, naming the known ones. */
export async function requireQueue(ctx: Context, t: Transport, queue: string): Promise<void> {
  const { requireQueue: require } = await import('../../celery/list.js');
  await require(await ctx.broker(), t, await queueName(queue));
}

/** The summary of a move or purge: one line for people (gone with -q), the counts for scripts. */
export function bulkResult(ctx: Context, verb: string, r: BulkResult, dryRun: boolean): CommandResult {
  const done = dryRun ? 0 : r.done;
  for (const f of r.failed.slice(0, 20)) ctx.out.warn(`position ${f.position}: ${f.reason}`);
  const held = r.recovered ?? 0;
  if (held && dryRun)
    ctx.out.warn(`${held} message(s) held by an interrupted move or purge; a real run puts them back first`);
  else if (held) ctx.out.warn(`put back ${held} message(s) held by an interrupted move or purge first`);
  const text =
    `${dryRun ? 'dry run: ' : ''}scanned ${r.scanned}, matched ${r.matched}, ${verb} ${done}, ` +
    `skipped ${r.vanished} (taken by a worker first), failed ${r.failed.length}`;
  return {
    views: [{ kind: 'summary', text }],
    json: {
      dry_run: dryRun,
      scanned: r.scanned,
      matched: r.matched,
      [verb]: done,
      skipped: r.vanished,
      failed: r.failed.length,
      failures: r.failed,
      recovered: held,
    },
  };
}

/** How long to wait for kombu's unacked_mutex (a kombu 4.6.7 worker's lingers 300 s after each restore). */
export const MUTEX_WAIT: OptionSpec = {
  name: 'mutex-wait',
  type: 'duration',
  default: '10s',
  max: '1h',
  description: "wait this long for kombu's unacked_mutex held by a worker (kombu 4.6.7 holds it 300 s)",
};
export const DEFAULT_MUTEX_WAIT_MS = 10_000;
