import type { Redis } from 'ioredis';
import type { Census } from '../celery/control/census.js';
import { publishTask, type CeleryFlavour } from '../celery/write/publish.js';
import { withDatabase } from '../db/connect.js';
import { formatLocal } from '../core/time-format.js';
import { acquire, currentOwner, release } from '../lock/locks.js';
import type { ClassifiedStep } from './classify.js';
import { reportTickets, type TicketSources } from './load.js';
import { PARTICIPANT_HOOK, PARTICIPANT_SCRIPT, type TicketRecord } from './model.js';
import { wholeNumber } from './rows2.js';
import { argKey } from './ticket-ref.js';

export interface RetryOptions {
  /** The Redis that holds loonctl's locks. */
  locks: Redis;
  celery: CeleryFlavour;
  /** For 2.x script retries: LoonFlow sends `action_from = '<username>_retry'`. */
  username: string;
  dryRun: boolean;
  /** Asked again for each ticket, under its lock, so what a worker runs right now is seen. */
  census: () => Promise<Census | null>;
  lockWaitMs?: number;
  signal?: AbortSignal;
}

export interface RetrySend {
  step: string;
  task: string;
  id: string | null;
  args: unknown[];
  queue: string;
  key: string;
}

export interface RetryOutcome {
  ticketId: string;
  status: 'sent' | 'would-send' | 'refused';
  reason: string | null;
  /** The database change made first (2.x), or null. */
  dbUpdate: string | null;
  sends: RetrySend[];
  /** Steps of the ticket left alone because a message for them exists or they run (3.x parallel hook nodes). */
  skipped: string[];
}

export const RETRY_QUEUE = 'loonflow';
const LOCK_TTL_MS = 60_000;

/** One lock per ticket, whichever way its id is written (`4711`, a UUID with or without dashes). */
export function retryLockName(ticketKey: string): string {
  return `loonctl:ticket-retry:${ticketKey}`;
}

/** A step that has a message somewhere or runs, in words. */
const busyText = (s: ClassifiedStep) =>
  `${s.step.label} is ${s.status}: ${s.why}${s.messages[0]?.id ? ` (task ${s.messages[0].id})` : ''}`;

const retryable = (s: ClassifiedStep) => s.status === 'failed' || s.status === 'lost';

/**
 * Why LoonFlow (or loonctl) will not send the ticket's steps again; null when it may send those that are
 * failed or lost. A 2.x ticket has one step; a 3.x ticket's parallel hook nodes are judged one by one.
 */
function refusal(t: TicketRecord, steps: ClassifiedStep[]): string | null {
  if (t.line === '2.x') {
    const type = Number(t.participantType);
    if (!t.ongoing) return `ticket is not in progress (act_state_id ${t.actState}${t.deleted ? ', deleted' : ''})`;
    if (type !== PARTICIPANT_SCRIPT && type !== PARTICIPANT_HOOK)
      return `participant type ${type} is neither script (6) nor hook (10): nothing to retry`;
  } else if (!t.ongoing) return `ticket is not in progress (act_state ${t.actState})`;
  else if (steps.length === 0) return 'no active hook node: nothing to retry';
  if (steps.some(retryable)) return null;
  return steps.map(busyText).join('; ');
}

/**
 * `ticket retry` for one ticket: what LoonFlow's retry does (2.x `retry_ticket_script`: script_run_last_result
 * back to true, then `run_flow_task(id, participant, state_id, '<user>_retry')` or `flow_hook_task(id)`; 3.x
 * the hook task of each active hook node that failed or was lost), refused while any message for the step exists
 * or it runs; a 3.x hook node that has one is left alone while its failed or lost siblings are sent.
 *
 * Order, under a per-ticket loonctl lock (two loonctl retries cannot both find "no message"):
 * 1. look for the step's messages everywhere (queues, unacked, running on a live worker); any: refuse;
 * 2. write the database (2.x), 3. publish.
 * A crash between 2 and 3 leaves script_run_last_result = 1 and no message: `ticket stuck` reports it lost
 * and the next `ticket retry` sends it (nothing to refuse on), so the retry is never lost. A crash after 3
 * leaves the message, which every later retry sees and refuses on, so it never runs twice. The other order
 * is worse: a worker could run the task and write its own failure (0) before our reset to 1 landed, hiding
 * that failure; LoonFlow's own retry also saves the row before it enqueues.
 */
export async function retryTicket(s: TicketSources, o: RetryOptions, id: string): Promise<RetryOutcome> {
  const out = (status: RetryOutcome['status'], reason: string | null, extra: Partial<RetryOutcome> = {}) =>
    ({ ticketId: id, status, reason, dbUpdate: null, sends: [], skipped: [], ...extra }) satisfies RetryOutcome;
  if (s.line === '2.x') wholeNumber(id, 'ticket id');
  const owner = currentOwner(`loonctl ticket retry ${id}`);
  const lockName = retryLockName(argKey(id) ?? id);
  const got = await acquire(o.locks, lockName, LOCK_TTL_MS, owner, { waitMs: o.lockWaitMs ?? 5000, signal: o.signal });
  if ('busy' in got) return out('refused', `another loonctl holds ${lockName}`);
  try {
    const census = await o.census();
    const [report] = await reportTickets({ ...s, census }, { ids: [id] });
    if (!report) return out('refused', 'no such ticket');
    const t = report.ticket;
    const steps = report.steps.filter((c) => c.step.kind !== 'timer');
    const why = refusal(t, steps);
    if (why) return out('refused', why);
    const dbUpdate = t.line === '2.x' ? 'script_run_last_result = 1' : null;
    const skipped = steps.filter((c) => !retryable(c)).map(busyText);
    const plan = steps.filter(retryable).map((c) => ({
      c,
      args: c.step.kind === 'script' ? [...c.step.args, `${o.username}_retry`] : c.step.args,
    }));
    if (o.dryRun) {
      const sends = plan.map(({ c, args }) => ({
        step: c.step.label,
        task: c.step.task,
        id: null,
        args,
        queue: RETRY_QUEUE,
        key: '',
      }));
      return out('would-send', null, { dbUpdate, sends, skipped });
    }
    if (t.line === '2.x') await resetLastResult(s, Number(t.id));
    const sends: RetrySend[] = [];
    for (const { c, args } of plan) {
      // declare: Celery's apply_async(queue='loonflow') declares the queue as it publishes.
      const p = await publishTask(s.broker, s.transport, {
        task: c.step.task,
        args,
        queue: RETRY_QUEUE,
        celery: o.celery,
        declare: true,
      });
      sends.push({ step: c.step.label, task: p.task, id: p.id, args, queue: p.queue, key: p.key.toString('utf8') });
    }
    return out('sent', null, { dbUpdate, sends, skipped });
  } finally {
    await release(o.locks, lockName, got.acquired.token).catch(() => {});
  }
}

/** LoonFlow's `ticket_obj.script_run_last_result = True; ticket_obj.save()` (save also sets gmt_modified). */
async function resetLastResult(s: TicketSources, id: number): Promise<void> {
  await withDatabase(s.db, () =>
    s.db.kysely
      .updateTable('ticket_ticketrecord')
      .set({ script_run_last_result: 1, gmt_modified: formatLocal(s.nowMs, s.tz) })
      .where('id', '=', id)
      .where('is_deleted', '=', 0)
      .execute(),
  );
}
