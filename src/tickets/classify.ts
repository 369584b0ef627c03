import type { TicketMessage } from './broker-scan.js';
import type { TicketRecord, TicketStep } from './model.js';
import { argKey } from './ticket-ref.js';

/**
 * What became of a step. Stuck: `failed` (the database says it failed, no message will run it), `lost` (no
 * message anywhere, no success), `orphaned` (its message sits in unacked with no live holder), `duplicated`
 * (two or more messages for it). Fine: `queued`, `held` (a live worker has it), `running`, `undecided`
 * (in unacked, the census could not say who holds it), `waiting` (ran, waits for a callback).
 */
export type StepStatus =
  'failed' | 'lost' | 'orphaned' | 'duplicated' | 'queued' | 'held' | 'running' | 'undecided' | 'waiting';

export const STUCK: ReadonlySet<StepStatus> = new Set(['failed', 'lost', 'orphaned', 'duplicated']);

export interface ClassifiedStep {
  step: TicketStep;
  status: StepStatus;
  messages: TicketMessage[];
  why: string;
  /** The loonctl command that puts it right; null when nothing is wrong. */
  fix: string | null;
}

export function messagesOfStep(step: TicketStep, messages: readonly TicketMessage[]): TicketMessage[] {
  return messages.filter(
    (m) =>
      m.task === step.task && step.match.every((x) => m.args.length > x.index && argKey(m.args[x.index]) === x.value),
  );
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The order messages run in: running first, then taken by a worker, then the queue's next. */
function runOrder(m: TicketMessage): number {
  if (m.where === 'running') return -2;
  if (m.where === 'unacked') return m.holding === 'orphan' ? 1e15 : -1;
  return m.position ?? 1e14;
}

export function classifyStep(ticket: TicketRecord, step: TicketStep, all: readonly TicketMessage[], nowMs: number) {
  const messages = messagesOfStep(step, all).sort((a, b) => runOrder(a) - runOrder(b));
  const c = (status: StepStatus, why: string, fix: string | null = null): ClassifiedStep => ({
    step,
    status,
    messages,
    why,
    fix,
  });
  const retry = `loonctl ticket retry ${shellWord(ticket.id)}`;
  if (messages.length > 1) {
    const extra = [
      ...new Set(
        messages
          .slice(1)
          .map((m) => m.id)
          .filter((id) => id && id !== messages[0].id),
      ),
    ];
    const fix = extra.length ? `loonctl task revoke ${extra.map((id) => shellWord(id!)).join(' ')} --yes` : null;
    return c('duplicated', `${messages.length} messages for one step: it would run ${messages.length} times`, fix);
  }
  const [m] = messages;
  if (m?.where === 'unacked' && m.holding === 'orphan')
    return c('orphaned', 'in unacked, held by no live worker', `loonctl queue requeue --unacked --id ${m.id}`);
  if (m) {
    if (m.where === 'running') return c('running', `running on ${m.holder}`);
    if (m.where === 'ready') return c('queued', `queued in ${m.queue} at position ${m.position}`);
    if (m.holding === 'held') return c('held', `taken by ${m.holder}${m.eta ? `, due ${m.eta}` : ''}`);
    return c('undecided', 'in unacked; whether a live worker holds it could not be told');
  }
  if (step.outcome === 'failed') return c('failed', failedWhy(ticket), retry);
  if (step.outcome === 'success') return c('waiting', 'the hook ran and succeeded; the ticket waits for its callback');
  if (step.kind !== 'timer') return c('lost', 'no message anywhere and no result recorded', retry);
  return c('lost', 'no pending timer message', timerFix(step, nowMs));
}

function failedWhy(t: TicketRecord): string {
  return t.line === '3.x' ? 'hook_status is failed' : 'script_run_last_result is 0';
}

function timerFix(step: TicketStep, nowMs: number): string {
  const left = step.dueMs === undefined ? step.timerS! : Math.max(0, Math.ceil((step.dueMs - nowMs) / 1000));
  const countdown = left > 0 ? ` --countdown ${left}s` : '';
  return `loonctl task send ${step.task} --args ${shellWord(JSON.stringify(step.args))}${countdown}`;
}

export function classifyTicket(ticket: TicketRecord, messages: readonly TicketMessage[], nowMs: number) {
  const mine = messages.filter((m) => m.ticketKey === ticket.key);
  return ticket.steps.map((s) => classifyStep(ticket, s, mine, nowMs));
}
