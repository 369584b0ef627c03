import { withDatabase, type Database } from '../db/connect.js';
import { tableExists } from '../db/schema.js';
import { UsageError } from '../core/errors.js';
import { formatLocal } from '../core/time-format.js';
import { instantOfLocal } from '../core/timezone.js';
import { INTERVENE_HOOK, PARTICIPANT_HOOK, PARTICIPANT_SCRIPT, type TicketRecord, type TicketStep } from './model.js';
import { argKey } from './ticket-ref.js';

/** Which LoonFlow 2.x tickets to read: by id (any state), or the ongoing ones with an automated step. */
export interface Query2 {
  ids?: string[];
  workflow?: string;
  /** Only tickets changed at or after this instant (gmt_modified). */
  sinceMs?: number;
}

interface Row {
  id: number;
  title: string;
  workflow_id: number;
  state_id: number;
  participant_type_id: number;
  participant: string;
  script_run_last_result: unknown;
  act_state_id: number;
  is_deleted: unknown;
  gmt_created: unknown;
  gmt_modified: unknown;
}

const truthy = (v: unknown) => v === true || Number(v) === 1;

export function wholeNumber(text: string, what: string): number {
  if (!/^\d{1,10}$/.test(text.trim())) throw new UsageError(`${what} '${text}' is not a LoonFlow 2.x id (an integer)`);
  return Number(text.trim());
}

/** A stored time as an instant: naive local text in `tz` (LoonFlow 2.x, USE_TZ=False) or a driver Date. */
export function instantOf(v: unknown, tz: string): number | null {
  if (v instanceof Date) return v.getTime();
  return typeof v === 'string' ? instantOfLocal(v, tz) : null;
}

/** LoonFlow 2.x tickets (ticket_ticketrecord) with their steps: script, hook and timer transitions. */
export function readTickets2(db: Database, tz: string, q: Query2): Promise<TicketRecord[]> {
  return withDatabase(db, async () => {
    const k = db.kysely;
    const hasTransitions = await tableExists(db, 'workflow_transition');
    let query = k
      .selectFrom('ticket_ticketrecord as t')
      .select([
        't.id',
        't.title',
        't.workflow_id',
        't.state_id',
        't.participant_type_id',
        't.participant',
        't.script_run_last_result',
        't.act_state_id',
        't.is_deleted',
        't.gmt_created',
        't.gmt_modified',
      ]);
    if (q.ids)
      query = query.where(
        't.id',
        'in',
        q.ids.map((i) => wholeNumber(i, 'ticket id')),
      );
    else {
      query = query.where('t.is_deleted', '=', 0).where('t.act_state_id', '=', 1);
      query = query.where((eb) => {
        const automated = eb('t.participant_type_id', 'in', [PARTICIPANT_SCRIPT, PARTICIPANT_HOOK]);
        if (!hasTransitions) return automated;
        const timers = eb.exists(
          eb
            .selectFrom('workflow_transition as w')
            .select('w.id')
            .whereRef('w.source_state_id', '=', 't.state_id')
            .where('w.timer', '>', 0)
            .where('w.is_deleted', '=', 0),
        );
        return eb.or([automated, timers]);
      });
    }
    if (q.workflow !== undefined) query = query.where('t.workflow_id', '=', wholeNumber(q.workflow, '--workflow'));
    if (q.sinceMs !== undefined) query = query.where('t.gmt_modified', '>=', formatLocal(q.sinceMs, tz));
    const rows = (await query.orderBy('t.id').execute()) as Row[];
    const states = [...new Set(rows.map((r) => r.state_id))];
    const timers = hasTransitions && states.length ? await timersOf(db, states) : [];
    const hookIds = rows.filter((r) => r.participant_type_id === PARTICIPANT_HOOK).map((r) => r.id);
    const logged = hookIds.length ? await hookSucceeded(db, hookIds) : new Map<number, number>();
    return rows.map((r) => toRecord(r, tz, timers, logged));
  });
}

interface Timer {
  id: number;
  source_state_id: number;
  timer: number;
}

async function timersOf(db: Database, states: number[]): Promise<Timer[]> {
  return await db.kysely
    .selectFrom('workflow_transition')
    .select(['id', 'source_state_id', 'timer'])
    .where('source_state_id', 'in', states)
    .where('timer', '>', 0)
    .where('is_deleted', '=', 0)
    .orderBy('id')
    .execute();
}

/**
 * Tickets whose latest flow log is a successful hook call (intervene type 9): the hook ran and the ticket
 * waits for the target's callback (`wait`), so sending the hook again would run it twice. Ticket -> state.
 */
async function hookSucceeded(db: Database, ids: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!(await tableExists(db, 'ticket_ticketflowlog'))) return out;
  const k = db.kysely;
  const latest = k
    .selectFrom('ticket_ticketflowlog')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('ticket_id', 'in', ids)
    .where('is_deleted', '=', 0)
    .groupBy('ticket_id');
  const rows = (await k
    .selectFrom('ticket_ticketflowlog')
    .select(['ticket_id', 'state_id', 'participant_type_id', 'intervene_type_id'])
    .where('id', 'in', latest)
    .execute()) as Record<string, number>[];
  for (const r of rows) {
    if (Number(r.participant_type_id) === PARTICIPANT_HOOK && Number(r.intervene_type_id) === INTERVENE_HOOK)
      out.set(Number(r.ticket_id), Number(r.state_id));
  }
  return out;
}

function toRecord(r: Row, tz: string, timers: Timer[], hookLogged: Map<number, number>): TicketRecord {
  const id = Number(r.id);
  const lastResult = truthy(r.script_run_last_result);
  const modifiedMs = instantOf(r.gmt_modified, tz);
  const ongoing = Number(r.act_state_id) === 1 && !truthy(r.is_deleted);
  const steps: TicketStep[] = [];
  const state = Number(r.state_id);
  const type = Number(r.participant_type_id);
  const outcome = !lastResult ? 'failed' : hookLogged.get(id) === state ? 'success' : 'none';
  if (ongoing && type === PARTICIPANT_HOOK) {
    const match = [{ index: 0, value: String(id) }];
    steps.push({
      kind: 'hook',
      task: 'tasks.flow_hook_task',
      label: `hook (state ${state})`,
      match,
      outcome,
      args: [id],
    });
  }
  if (ongoing && type === PARTICIPANT_SCRIPT) {
    steps.push({
      kind: 'script',
      task: 'tasks.run_flow_task',
      label: `script ${r.participant} (state ${state})`,
      match: [
        { index: 0, value: String(id) },
        { index: 2, value: String(state) },
      ],
      outcome: lastResult ? 'none' : 'failed',
      args: [id, r.participant, state],
      stateId: String(state),
    });
  }
  for (const t of ongoing ? timers.filter((x) => Number(x.source_state_id) === state) : []) {
    const dateTime = typeof r.gmt_modified === 'string' ? r.gmt_modified.replace(' ', 'T') : null;
    steps.push({
      kind: 'timer',
      task: 'tasks.timer_transition',
      label: `timer transition ${t.id} (${t.timer}s)`,
      match: [
        { index: 0, value: String(id) },
        { index: 1, value: String(state) },
        { index: 3, value: String(t.id) },
      ],
      outcome: 'none',
      args: [id, state, dateTime, Number(t.id)],
      timerS: Number(t.timer),
      dueMs: modifiedMs === null ? undefined : modifiedMs + Number(t.timer) * 1000,
      stateId: String(state),
      transitionId: String(t.id),
    });
  }
  return {
    line: '2.x',
    id: String(id),
    key: argKey(id)!,
    title: r.title,
    workflowId: String(r.workflow_id),
    tenantId: null,
    actState: String(r.act_state_id),
    ongoing,
    state: String(state),
    participantType: String(type),
    participant: r.participant,
    lastResult,
    hookStatus: [],
    deleted: truthy(r.is_deleted),
    createdMs: instantOf(r.gmt_created, tz),
    modifiedMs,
    steps,
  };
}
