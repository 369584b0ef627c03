// LoonFlow tickets waiting on automated steps, written from ../shared/LOONFLOW.md and LoonFlow's models
// (r2.0.20 apps/ticket/models.py, apps/workflow/models.py; r3.2.1 backend/apps/ticket/models.py), not copied.
import { mysqlQuery, pgQuery } from './db.js';

export const TZ = 'Asia/Shanghai';

/** Naive local wall-clock time in Asia/Shanghai, `secondsAgo` before now (LoonFlow 2.x: USE_TZ=False). */
export function localAgo(secondsAgo: number): string {
  const d = new Date(Date.now() - secondsAgo * 1000 + 8 * 3600_000);
  return d.toISOString().replace('T', ' ').slice(0, 19);
}

const TICKETS_2 = `create table ticket_ticketrecord (
  id int auto_increment primary key, title varchar(500) not null default '', workflow_id int not null default 1,
  sn varchar(25) not null default '', state_id int not null default 1, parent_ticket_id int not null default 0,
  parent_ticket_state_id int not null default 0, participant_type_id int not null default 0,
  participant varchar(1000) not null default '', relation varchar(1000) not null default '',
  in_add_node tinyint(1) not null default 0, add_node_man varchar(50) not null default '',
  script_run_last_result tinyint(1) not null default 1, act_state_id int not null default 1,
  multi_all_person varchar(1000) not null default '{}', creator varchar(50) not null default 'admin',
  gmt_created datetime(6) not null, gmt_modified datetime(6) not null,
  is_deleted tinyint(1) not null default 0, key idx_gmt_created (gmt_created), key idx_sn (sn))`;

const TRANSITIONS_2 = `create table workflow_transition (
  id int auto_increment primary key, name varchar(50) not null default '', workflow_id int not null default 1,
  transition_type_id int not null default 1, timer int not null default 0, source_state_id int not null,
  destination_state_id int not null, condition_expression varchar(1000) not null default '[]',
  attribute_type_id int not null default 1, field_require_check tinyint(1) not null default 1,
  alert_enable tinyint(1) not null default 0, alert_text varchar(100) not null default '',
  creator varchar(50) not null default 'admin', gmt_created datetime(6) not null default current_timestamp(6),
  gmt_modified datetime(6) not null default current_timestamp(6), is_deleted tinyint(1) not null default 0)`;

const FLOWLOG_2 = `create table ticket_ticketflowlog (
  id int auto_increment primary key, ticket_id int not null, transition_id int not null default 0,
  suggestion varchar(10000) not null default '', participant_type_id int not null,
  participant varchar(50) not null default '', state_id int not null default 0,
  intervene_type_id int not null default 0, ticket_data longtext not null,
  creator varchar(50) not null default 'loonrobot', gmt_created datetime(6) not null,
  gmt_modified datetime(6) not null default current_timestamp(6), is_deleted tinyint(1) not null default 0)`;

export interface Ticket2 {
  id: number;
  state: number;
  type: number;
  participant?: string;
  result?: 0 | 1;
  act?: number;
  workflow?: number;
  modifiedAgoS?: number;
}

/** State 20 is a hook state, 30 a script state (script id '3'), 40 a state with a 3600 s timer (transition 7). */
export const HOOK_STATE = 20;
export const SCRIPT_STATE = 30;
export const TIMER_STATE = 40;
export const TIMER_TRANSITION = 7;
export const TIMER_S = 3600;

export async function createLoonflow2Tickets(url: string, tickets: Ticket2[], hookSuccessLog: number[]) {
  await mysqlQuery(url, TICKETS_2);
  await mysqlQuery(url, TRANSITIONS_2);
  await mysqlQuery(url, FLOWLOG_2);
  await mysqlQuery(
    url,
    `insert into workflow_transition (id, timer, source_state_id, destination_state_id)
    values (5, 0, ${HOOK_STATE}, 50), (6, 0, ${SCRIPT_STATE}, 50), (${TIMER_TRANSITION}, ${TIMER_S}, ${TIMER_STATE}, 50),
    (8, 0, ${TIMER_STATE}, 60), (9, 900, ${TIMER_STATE}, 70)`,
  );
  // The 900 s timer out of the timer state was deleted: it must not be expected.
  await mysqlQuery(url, 'update workflow_transition set is_deleted = 1 where id = 9');
  for (const t of tickets) {
    await mysqlQuery(
      url,
      `insert into ticket_ticketrecord (id, title, workflow_id, sn, state_id, participant_type_id, participant,
        script_run_last_result, act_state_id, gmt_created, gmt_modified) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        t.id,
        `ticket ${t.id}`,
        t.workflow ?? 1,
        `loonflow_2025010100${t.id}`,
        t.state,
        t.type,
        t.participant ?? '',
        t.result ?? 1,
        t.act ?? 1,
        localAgo(86_400),
        localAgo(t.modifiedAgoS ?? 3600),
      ],
    );
    await mysqlQuery(
      url,
      `insert into ticket_ticketflowlog (ticket_id, participant_type_id, participant, state_id,
      ticket_data, creator, gmt_created) values (?, 1, 'admin', 1, '{}', 'admin', ?)`,
      [t.id, localAgo(7200)],
    );
  }
  for (const id of hookSuccessLog) {
    await mysqlQuery(
      url,
      `insert into ticket_ticketflowlog (ticket_id, participant_type_id, participant, state_id,
      intervene_type_id, suggestion, ticket_data, gmt_created) values (?, 10, 'hook', ?, 9, 'ok', '{}', ?)`,
      [id, HOOK_STATE, localAgo(600)],
    );
  }
}

export async function ticketResult(url: string, id: number): Promise<number> {
  const rows = (await mysqlQuery(url, 'select script_run_last_result as r from ticket_ticketrecord where id = ?', [
    id,
  ])) as { r: number }[];
  return Number(rows[0].r);
}

export const TENANT_A = '3f2b8c1d-9e0a-4b7c-8d6e-5f4a3b2c1d0e';
export const TENANT_B = '00000000-0000-0000-0000-000000000001';

export interface Node3 {
  ticket: string;
  node: string;
  type?: string;
  status?: string | null;
  active?: boolean;
}

export interface Ticket3 {
  id: string;
  tenant?: string;
  act?: string;
}

/** LoonFlow 3.x: ticket_record and ticket_node (BaseCommonModel: uuid id, label, creator_id, times, tenant_id). */
export async function createLoonflow3Tickets(url: string, tickets: Ticket3[], nodes: Node3[]): Promise<void> {
  const base = `id uuid primary key, label jsonb not null default '{}', creator_id uuid,
    created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
    tenant_id uuid not null default '00000000-0000-0000-0000-000000000001'`;
  await pgQuery(
    url,
    `create table ticket_record (${base}, title varchar(500) not null default '',
    workflow_id uuid not null, workflow_version_id uuid, parent_ticket_id uuid, parent_ticket_node_id uuid,
    act_state varchar not null)`,
  );
  await pgQuery(
    url,
    `create table ticket_node (${base}, ticket_id uuid not null, node_id uuid not null,
    assignee_type varchar(50), assignee varchar(2000) default '', is_active boolean not null default true,
    in_consult boolean not null default false, in_parallel boolean not null default false,
    in_accept_wait boolean not null default false, consult_from_id uuid, consult_target_id uuid,
    hook_status varchar(50), parallel_node_id uuid, all_assignee_result jsonb not null default '{}')`,
  );
  for (const t of tickets) {
    await pgQuery(
      url,
      `insert into ticket_record (id, tenant_id, title, workflow_id, act_state, created_at)
      values ($1, $2, $3, 'aaaaaaaa-0000-4000-8000-000000000001', $4, now() - interval '1 day')`,
      [t.id, t.tenant ?? TENANT_A, `ticket ${t.id.slice(-4)}`, t.act ?? 'on_going'],
    );
  }
  let n = 0;
  for (const x of nodes) {
    const tenant = tickets.find((t) => t.id === x.ticket)?.tenant ?? TENANT_A;
    await pgQuery(
      url,
      `insert into ticket_node (id, tenant_id, ticket_id, node_id, assignee_type, hook_status,
      is_active, created_at) values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
      [tenant, x.ticket, x.node, x.type ?? 'hook', x.status ?? null, x.active ?? true, n++],
    );
  }
}
