import type { Database } from '../db/connect.js';
import type { TicketTable } from '../db/ticket-table.js';
import { dayStats, type SerialScope } from '../db/tickets.js';

/** The highest number already used on a day: max(ticket rows, highest sequence in that day's serials). */
export async function highestUsed(
  db: Database,
  table: TicketTable,
  date: string,
  scope?: SerialScope,
): Promise<number> {
  const s = (await dayStats(db, table, date, date, scope)).get(date) ?? { rows: 0, maxSeq: 0 };
  return Math.max(s.rows, s.maxSeq);
}
