import type { Context } from '../../app/context.js';
import type { Census } from '../../celery/control/census.js';
import type { TicketSources } from '../../tickets/load.js';
import type { TicketLine } from '../../tickets/ticket-ref.js';
import { CONTROL_OPTIONS, mailboxOf, replyWaitMs, type ControlInput } from '../worker/shared.js';

export const TICKET_OPTIONS = CONTROL_OPTIONS;
export type TicketInput = ControlInput;

/** LoonFlow 0.x-2.x share the ticket table and the task signatures; 3.x is another schema. */
export async function ticketLine(ctx: Context): Promise<TicketLine> {
  return (await ctx.deployment()).line === '3.x' ? '3.x' : '2.x';
}

/**
 * The database, the broker and, when asked, a census of the live workers (what they hold and run),
 * so unacked messages can be told held from orphaned.
 */
export async function ticketSources(
  ctx: Context,
  o: TicketInput,
): Promise<{ sources: TicketSources; takeCensus: () => Promise<Census> }> {
  const [line, db, { broker, m, t }, { census }] = await Promise.all([
    ticketLine(ctx),
    ctx.db(),
    mailboxOf(ctx, o),
    import('../../celery/control/census.js'),
  ]);
  const takeCensus = () => census(broker, m, { idleTimeoutMs: replyWaitMs(ctx), signal: ctx.signal });
  const sources = { db, line, tz: ctx.config.tz.value, broker, transport: t, census: null, nowMs: Date.now() };
  return { sources, takeCensus };
}

/** Says once when the census cannot tell held from orphaned. */
export function warnCensus(ctx: Context, c: Census): void {
  if (!c.trusted) ctx.out.warn(`census not trusted (${c.distrust.join('; ')}): orphans told by the visibility timeout`);
}
