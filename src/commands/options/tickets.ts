import type { OptionSpec } from '../spec.js';

/** Where the deployment keeps its tickets; every name can live in the config file. */
export const TICKET_TABLE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'ticket-table',
    type: 'string',
    placeholder: 'name',
    env: 'LOONCTL_TICKET_TABLE',
    config: 'ticketTable',
    description: 'ticket table (default ticket_ticketrecord)',
  },
  {
    name: 'id-column',
    type: 'string',
    placeholder: 'name',
    config: 'idColumn',
    description: 'ticket id column (default id)',
  },
  {
    name: 'serial-column',
    type: 'string',
    placeholder: 'name',
    config: 'serialColumn',
    description: 'serial column (default sn)',
  },
  {
    name: 'created-column',
    type: 'string',
    placeholder: 'name',
    config: 'createdColumn',
    description: 'creation time column (default gmt_created)',
  },
  {
    name: 'deleted-column',
    type: 'string',
    placeholder: 'name',
    config: 'deletedColumn',
    description: "soft-delete column, '' for none (default is_deleted)",
  },
  {
    name: 'db-timestamps',
    type: 'string',
    choices: ['naive', 'utc'],
    config: 'dbTimestamps',
    description: 'created column holds local (naive) or UTC wall-clock time',
  },
];

export interface TicketTableInput {
  ticketTable?: string;
  idColumn?: string;
  serialColumn?: string;
  createdColumn?: string;
  deletedColumn?: string;
  dbTimestamps?: 'naive' | 'utc';
}

export const SERIAL_FORMAT_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'prefix',
    type: 'string',
    placeholder: 'prefix',
    description: "serial prefix (an application's ticket_sn_prefix; default loonflow)",
  },
  {
    name: 'zone',
    type: 'string',
    placeholder: 'zone',
    env: 'LOONCTL_ZONE',
    config: 'zone',
    description: "LoonFlow's DEPLOY_ZONE, in serials",
  },
];

export interface SerialFormatInput {
  prefix?: string;
  zone?: string;
}
