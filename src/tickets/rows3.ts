import { withDatabase, type Database } from '../db/connect.js';
import { UsageError } from '../core/errors.js';
import type { TicketRecord, TicketStep } from './model.js';
import { argKey } from './ticket-ref.js';
import { instantOf } from './rows2.js';

/** Which LoonFlow 3.x tickets to read: by id (any state), or the ongoing ones on a hook node. */
export interface Query3 {
  ids?: string[];
  workflow?: string;
  tenant?: string;
  /** Only hook nodes changed at or after this instant (ticket_node.updated_at). */
  sinceMs?: number;
}

/** LoonFlow 3.x act_state of a ticket in progress (`on_going`, ticket/models.py). */
export const ONGOING_3 = 'on_going';

export function uuidArg(text: string, what: string): string {
  const k = argKey(text);
  if (k === null || !/^[0-9a-f]{32}$/.test(k))
    throw new UsageError(`${what} '${text}' is not a UUID (LoonFlow 3.x ids)`);
  return `${k.slice(0, 8)}-${k.slice(8, 12)}-${k.slice(12, 16)}-${k.slice(16, 20)}-${k.slice(20)}`;
}

interface NodeRow {
  ticket_id: string;
  node_id: string;
  assignee_type: string | null;
  hook_status: string | null;
  updated_at: unknown;
}

/** LoonFlow 3.x tickets (ticket_record) with their active nodes (ticket_node); hook nodes are steps. */
export function readTickets3(db: Database, tz: string, q: Query3): Promise<TicketRecord[]> {
  return withDatabase(db, async () => {
    const k = db.kysely;
    let query = k
      .selectFrom('ticket_record as r')
      .select(['r.id', 'r.tenant_id', 'r.title', 'r.workflow_id', 'r.act_state', 'r.created_at', 'r.updated_at']);
    if (q.ids)
      query = query.where(
        'r.id',
        'in',
        q.ids.map((i) => uuidArg(i, 'ticket id')),
      );
    else {
      query = query.where('r.act_state', '=', ONGOING_3).where((eb) =>
        eb.exists(
          eb
            .selectFrom('ticket_node as n')
            .select('n.id')
            .whereRef('n.ticket_id', '=', 'r.id')
            .where('n.is_active', '=', true)
            .where('n.assignee_type', '=', 'hook')
            .$if(q.sinceMs !== undefined, (s) => s.where('n.updated_at', '>=', new Date(q.sinceMs!))),
        ),
      );
    }
    if (q.workflow !== undefined) query = query.where('r.workflow_id', '=', uuidArg(q.workflow, '--workflow'));
    if (q.tenant !== undefined) query = query.where('r.tenant_id', '=', uuidArg(q.tenant, '--tenant'));
    const rows = (await query.orderBy('r.created_at').orderBy('r.id').execute()) as Record<string, unknown>[];
    const ids = rows.map((r) => String(r.id));
    const nodes = ids.length
      ? ((await k
          .selectFrom('ticket_node')
          .select(['ticket_id', 'node_id', 'assignee_type', 'hook_status', 'updated_at'])
          .where('ticket_id', 'in', ids)
          .where('is_active', '=', true)
          .orderBy('created_at')
          .execute()) as NodeRow[])
      : [];
    return rows.map((r) =>
      toRecord(
        r,
        nodes.filter((n) => String(n.ticket_id) === String(r.id)),
        tz,
      ),
    );
  });
}

function toRecord(r: Record<string, unknown>, nodes: NodeRow[], tz: string): TicketRecord {
  const id = String(r.id);
  const tenant = String(r.tenant_id);
  const ongoing = r.act_state === ONGOING_3;
  const hooks = nodes.filter((n) => n.assignee_type === 'hook');
  const steps: TicketStep[] = (ongoing ? hooks : []).map((n) => {
    const node = String(n.node_id);
    const status = n.hook_status;
    return {
      kind: 'hook',
      task: 'tasks.flow_hook_task',
      label: `hook node ${node}`,
      match: [
        { index: 1, value: argKey(id)! },
        { index: 2, value: argKey(node)! },
      ],
      // LoonFlow writes "failed"; its model's choices say "failure".
      outcome: status === 'failed' || status === 'failure' ? 'failed' : status === 'success' ? 'success' : 'none',
      args: [tenant, id, node],
      nodeId: node,
    };
  });
  return {
    line: '3.x',
    id,
    key: argKey(id)!,
    title: String(r.title ?? ''),
    workflowId: String(r.workflow_id ?? ''),
    tenantId: tenant,
    actState: String(r.act_state),
    ongoing,
    state: nodes.map((n) => String(n.node_id)).join(','),
    participantType: nodes.map((n) => n.assignee_type ?? '').join(','),
    participant: '',
    lastResult: null,
    hookStatus: hooks.map((n) => n.hook_status),
    deleted: false,
    createdMs: instantOf(r.created_at, tz),
    modifiedMs: instantOf(r.updated_at, tz),
    steps,
  };
}
