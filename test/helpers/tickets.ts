// LoonFlow's ticket table as Django creates it, filled with tickets on several days.
import { mysqlQuery, pgQuery } from './db.js';

export type Dialect = 'postgres' | 'mysql';

const PG_DDL = `create table ticket_ticketrecord (
  id serial primary key, title varchar(500) not null default '', workflow_id integer not null default 1,
  sn varchar(25) not null, state_id integer not null default 1, parent_ticket_id integer not null default 0,
  parent_ticket_state_id integer not null default 0, participant_type_id integer not null default 0,
  participant varchar(1000) not null default '', relation varchar(1000) not null default '',
  in_add_node boolean not null default false, add_node_man varchar(50) not null default '',
  script_run_last_result boolean not null default true, act_state_id integer not null default 0,
  multi_all_person varchar(1000) not null default '{}', creator varchar(50) not null default 'admin',
  gmt_created timestamp with time zone not null, gmt_modified timestamp with time zone not null default now(),
  is_deleted boolean not null default false)`;

const MYSQL_DDL = `create table ticket_ticketrecord (
  id int auto_increment primary key, title varchar(500) not null default '', workflow_id int not null default 1,
  sn varchar(25) not null, state_id int not null default 1, participant varchar(1000) not null default '',
  creator varchar(50) not null default 'admin', gmt_created datetime(6) not null,
  gmt_modified datetime(6) not null default current_timestamp(6), is_deleted tinyint(1) not null default 0,
  key ticket_ticketrecord_gmt_created (gmt_created))`;

export interface Ticket {
  sn: string;
  /** Local wall-clock time in Asia/Shanghai (LoonFlow: TIME_ZONE='Asia/Shanghai', USE_TZ=False). */
  created: string;
  deleted?: boolean;
}

/**
 * The fixture: several days, soft-deleted rows, a deleted-and-reused serial, tickets at
 * 23:59:59.999 and at 00:00:00 of the next day, and a day whose highest serial is above its row count.
 */
export const TICKETS: Ticket[] = [
  // 2025-03-01: 4 rows, serials 1..4, #2 soft-deleted, #4 at the last millisecond of the day.
  { sn: 'loonflow_202503010001', created: '2025-03-01 00:00:00' },
  { sn: 'loonflow_202503010002', created: '2025-03-01 09:30:00', deleted: true },
  { sn: 'loonflow_202503010003', created: '2025-03-01 12:00:00' },
  { sn: 'loonflow_202503010004', created: '2025-03-01 23:59:59.999' },
  // 2025-03-02: created at midnight; serial 2 deleted and then handed out again (a duplicate); 3 rows, max 3.
  { sn: 'loonflow_202503020001', created: '2025-03-02 00:00:00' },
  { sn: 'loonflow_202503020002', created: '2025-03-02 08:00:00', deleted: true },
  { sn: 'loonflow_202503020002', created: '2025-03-02 08:05:00' },
  { sn: 'loonflow_202503020003', created: '2025-03-02 10:00:00' },
  // 2025-03-03: rows were hard-deleted: 2 rows, highest serial 12 (gaps 1..9, 11).
  { sn: 'loonflow_202503030010', created: '2025-03-03 10:00:00' },
  { sn: 'loonflow_202503030012', created: '2025-03-03 11:00:00' },
  // 2025-03-04: a zone deployment and a malformed serial.
  { sn: 'loonflow_sh_202503040001', created: '2025-03-04 10:00:00' },
  { sn: 'broken-serial', created: '2025-03-04 11:00:00' },
];

export const FIXTURE_TZ = 'Asia/Shanghai';

export async function createTicketTable(dialect: Dialect, url: string, tickets: Ticket[] = TICKETS): Promise<void> {
  if (dialect === 'postgres') {
    await pgQuery(url, PG_DDL);
    await pgQuery(url, 'create index ticket_ticketrecord_gmt_created on ticket_ticketrecord (gmt_created)');
    for (const t of tickets) {
      // Django with USE_TZ=False writes local time through a session in TIME_ZONE.
      await pgQuery(
        url,
        `set time zone '${FIXTURE_TZ}'; insert into ticket_ticketrecord (sn, gmt_created, is_deleted) values ('${t.sn}', '${t.created}', ${t.deleted ? 'true' : 'false'})`,
      );
    }
  } else {
    await mysqlQuery(url, MYSQL_DDL);
    for (const t of tickets) {
      await mysqlQuery(url, 'insert into ticket_ticketrecord (sn, gmt_created, is_deleted) values (?, ?, ?)', [
        t.sn,
        t.created,
        t.deleted ? 1 : 0,
      ]);
    }
  }
}

/**
 * LoonFlow 2.x on MariaDB as its init SQL creates it: `ticket_ticketrecord` with every column of the
 * r2.0.20 model and the indexes `idx_gmt_created` and `idx_sn`, and `account_apptoken` with each
 * application's `ticket_sn_prefix` (varchar(20), default 'loonflow').
 */
const LOONFLOW2_TICKETS_DDL = `create table ticket_ticketrecord (
  id int auto_increment primary key, title varchar(500) not null default '', workflow_id int not null default 1,
  sn varchar(25) not null, state_id int not null default 1, parent_ticket_id int not null default 0,
  parent_ticket_state_id int not null default 0, participant_type_id int not null default 0,
  participant varchar(1000) not null default '', relation varchar(1000) not null default '',
  in_add_node tinyint(1) not null default 0, add_node_man varchar(50) not null default '',
  script_run_last_result tinyint(1) not null default 1, act_state_id int not null default 1,
  multi_all_person varchar(1000) not null default '{}', creator varchar(50) not null default 'admin',
  gmt_created datetime(6) not null, gmt_modified datetime(6) not null default current_timestamp(6),
  is_deleted tinyint(1) not null default 0, key idx_gmt_created (gmt_created), key idx_sn (sn))`;

const APP_TOKEN_DDL = `create table account_apptoken (
  id int auto_increment primary key, app_name varchar(50) not null, token varchar(50) not null default '',
  ticket_sn_prefix varchar(20) not null default 'loonflow', creator varchar(50) not null default 'admin',
  gmt_created datetime(6) not null default current_timestamp(6),
  gmt_modified datetime(6) not null default current_timestamp(6), is_deleted tinyint(1) not null default 0)`;

/** Applications by name and serial prefix. */
export type App = [appName: string, prefix: string];

export async function createLoonflow2Schema(url: string, tickets: Ticket[], apps: App[] | null): Promise<void> {
  await mysqlQuery(url, LOONFLOW2_TICKETS_DDL);
  for (const t of tickets) {
    await mysqlQuery(url, 'insert into ticket_ticketrecord (sn, gmt_created, is_deleted) values (?, ?, ?)', [
      t.sn,
      t.created,
      t.deleted ? 1 : 0,
    ]);
  }
  if (apps === null) return;
  await mysqlQuery(url, APP_TOKEN_DDL);
  for (const [name, prefix] of apps) {
    await mysqlQuery(url, 'insert into account_apptoken (app_name, ticket_sn_prefix) values (?, ?)', [name, prefix]);
  }
}

/** The same applications in a PostgreSQL database that already holds `ticket_ticketrecord`. */
export async function createPgAppTokens(url: string, apps: App[]): Promise<void> {
  await pgQuery(
    url,
    `create table account_apptoken (id serial primary key, app_name varchar(50) not null,
    ticket_sn_prefix varchar(20) not null default 'loonflow', is_deleted boolean not null default false)`,
  );
  for (const [name, prefix] of apps) {
    await pgQuery(url, 'insert into account_apptoken (app_name, ticket_sn_prefix) values ($1, $2)', [name, prefix]);
  }
}
