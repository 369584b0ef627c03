import type { Context } from '../../app/context.js';
import type { Census } from '../../celery/control/census.js';
import type { TicketMessage } from '../../tickets/broker-scan.js';
import type { ClassifiedStep } from '../../tickets/classify.js';
import type { TicketSources } from '../../tickets/load.js';
import type { TicketRecord } from '../../tickets/model.js';
import type { TicketLine } from '../../tickets/ticket-ref.js';
import { formatDuration } from '../../core/time-format.js';
import { table, type View } from '../../core/view.js';
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

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const ageS = (ms: number | null, now: number) => (ms === null ? null : Math.max(0, Math.round((now - ms) / 1000)));

export function ticketJson(t: TicketRecord, nowMs: number): Record<string, unknown> {
  return {
    id: t.id,
    line: t.line,
    title: t.title,
    workflow_id: t.workflowId,
    tenant_id: t.tenantId,
    act_state: t.actState,
    ongoing: t.ongoing,
    state: t.state,
    participant_type: t.participantType,
    participant: t.participant,
    script_run_last_result: t.lastResult,
    hook_status: t.line === '3.x' ? t.hookStatus : undefined,
    created_at: iso(t.createdMs),
    modified_at: iso(t.modifiedMs),
    age_seconds: ageS(t.createdMs, nowMs),
    modified_age_seconds: ageS(t.modifiedMs, nowMs),
  };
}

export function messageJson(m: TicketMessage): Record<string, unknown> {
  return {
    task: m.task,
    id: m.id,
    args: m.args,
    kwargs: m.kwargs,
    where: m.where,
    queue: m.queue,
    bucket: m.bucket,
    position: m.position,
    tag: m.tag,
    since: m.since === null ? null : new Date(m.since * 1000).toISOString(),
    eta: m.eta,
    holding: m.holding,
    holder: m.holder,
  };
}

export function stepJson(c: ClassifiedStep): Record<string, unknown> {
  return {
    step: c.step.label,
    kind: c.step.kind,
    task: c.step.task,
    status: c.status,
    why: c.why,
    fix: c.fix,
    message_ids: c.messages.map((m) => m.id),
    due_at: c.step.dueMs === undefined ? undefined : iso(c.step.dueMs),
  };
}

export function messagesView(messages: readonly TicketMessage[]): View {
  const where = (m: TicketMessage) =>
    m.where === 'ready' ? `ready #${m.position}` : m.where === 'running' ? 'running' : `unacked (${m.holding ?? '?'})`;
  return table(
    messages,
    [
      { header: 'TASK', min: 14, value: (m) => m.task },
      { header: 'ID', min: 9, value: (m) => m.id },
      { header: 'WHERE', value: where, tone: (m) => (m.holding === 'orphan' ? 'fail' : undefined) },
      { header: 'QUEUE', value: (m) => m.queue, priority: 3 },
      { header: 'HOLDER', value: (m) => m.holder ?? '-', priority: 2 },
      { header: 'ETA', value: (m) => m.eta ?? '-', priority: 2 },
      { header: 'ARGS', value: (m) => JSON.stringify(m.args), priority: 4 },
    ],
    { empty: 'no message references this ticket' },
  );
}

export function stepsView(steps: readonly ClassifiedStep[], nowMs: number): View {
  const tone = (c: ClassifiedStep) =>
    ['failed', 'lost', 'orphaned', 'duplicated'].includes(c.status) ? ('fail' as const) : ('ok' as const);
  const due = (c: ClassifiedStep) => (c.step.dueMs === undefined ? '-' : formatDuration((c.step.dueMs - nowMs) / 1000));
  return table(
    steps,
    [
      { header: 'STEP', min: 12, value: (c) => c.step.label },
      { header: 'STATUS', value: (c) => c.status, tone },
      { header: 'WHY', min: 12, value: (c) => c.why, priority: 2 },
      { header: 'DUE IN', value: due, priority: 3 },
      { header: 'FIX', value: (c) => c.fix ?? '-' },
    ],
    { empty: 'no automated step (not a script, hook or timer state)' },
  );
}
