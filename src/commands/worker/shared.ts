import type { Context } from '../../app/context.js';
import type { Mailbox } from '../../celery/control/names.js';
import type { Transport } from '../../celery/transport.js';
import { CONTROL_EXCHANGE } from '../options/control.js';
import { TRANSPORT_OPTIONS, type TransportInput } from '../options/transport.js';
import type { OptionSpec } from '../spec.js';

/** Workers answer within a second when healthy; `--timeout` (global) lengthens the wait. */
const DEFAULT_REPLY_WAIT_MS = 1000;

export const CONTROL_OPTIONS: readonly OptionSpec[] = [CONTROL_EXCHANGE, ...TRANSPORT_OPTIONS];

export interface ControlInput extends TransportInput {
  controlExchange?: string;
}

/** How long to wait for replies: the global --timeout when given, else one second. */
export function replyWaitMs(ctx: Context): number {
  return ctx.config.timeoutMs.source === 'default' ? DEFAULT_REPLY_WAIT_MS : ctx.config.timeoutMs.value;
}

/** The broker, its kombu layout and Celery's mailbox in it (the broker db is part of the channel name). */
export async function mailboxOf(
  ctx: Context,
  o: ControlInput,
): Promise<{ t: Transport; m: Mailbox; broker: Awaited<ReturnType<Context['broker']>> }> {
  // Connecting waits on the network: load the modules meanwhile.
  const [{ makeMailbox }, t, broker] = await Promise.all([
    import('../../celery/control/names.js'),
    ctx.transport({ sep: o.sep, prioritySteps: o.prioritySteps, visibilityTimeoutMs: o.visibilityTimeout }),
    ctx.broker(),
  ]);
  return { t, m: makeMailbox(t, broker.options.db ?? 0, o.controlExchange), broker };
}

/** Names of workers that were asked by name and did not answer, as a warning. */
export function warnMissing(ctx: Context, missing: string[]): void {
  if (missing.length) ctx.out.warn(`no answer from ${missing.join(', ')} (not running, or too busy to answer in time)`);
}
