import { UsageError } from '../core/errors.js';

/** Where LoonFlow keeps its tickets; every name configurable for deployments that differ. */
export interface TicketTable {
  table: string;
  idColumn: string;
  serialColumn: string;
  createdColumn: string;
  /** Empty when the table has no soft-delete flag. */
  deletedColumn: string;
  /** `naive`: wall-clock time of `tz` (LoonFlow, USE_TZ=False); `utc`: UTC wall-clock time (USE_TZ=True). */
  timestamps: 'naive' | 'utc';
  tz: string;
}

export const DEFAULT_TICKET_TABLE = {
  table: 'ticket_ticketrecord',
  idColumn: 'id',
  serialColumn: 'sn',
  createdColumn: 'gmt_created',
  deletedColumn: 'is_deleted',
  timestamps: 'naive',
} as const;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** Identifiers are validated here and always quoted by Kysely (`sql.ref`), never concatenated. */
export function checkIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new UsageError(
      `${what} '${name}' is not a valid SQL identifier`,
      'letters, digits, _ and $, starting with a letter or _',
    );
  }
  return name;
}

export function makeTicketTable(opts: Partial<TicketTable> & { tz: string }): TicketTable {
  const t: TicketTable = { ...DEFAULT_TICKET_TABLE, ...stripUndefined(opts), tz: opts.tz };
  checkIdentifier(t.table, '--ticket-table');
  checkIdentifier(t.idColumn, '--id-column');
  checkIdentifier(t.serialColumn, '--serial-column');
  checkIdentifier(t.createdColumn, '--created-column');
  if (t.deletedColumn !== '') checkIdentifier(t.deletedColumn, '--deleted-column');
  if (t.timestamps !== 'naive' && t.timestamps !== 'utc')
    throw new UsageError(`--db-timestamps must be naive or utc, not '${String(t.timestamps)}'`);
  return t;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
