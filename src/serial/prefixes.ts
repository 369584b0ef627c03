import { sql } from 'kysely';
import { withDatabase, type Database } from '../db/connect.js';
import { tableExists } from '../db/schema.js';
import { DEFAULT_PREFIX } from './format.js';

/** LoonFlow's applications and their serial prefix (`ticket_sn_prefix varchar(20) default 'loonflow'`). */
export const APP_TOKEN_TABLE = 'account_apptoken';

/**
 * Every serial prefix in use: each application's `ticket_sn_prefix`, and `loonflow` (no application, or
 * the `loonflow` app, gives it). A schema without `account_apptoken` has only `loonflow`. Longest first,
 * so a prefix that extends another (`hr_ops` after `hr`) is tried first when splitting a serial.
 */
export async function prefixesInUse(db: Database): Promise<string[]> {
  const found = await withDatabase(db, async () => {
    if (!(await tableExists(db, APP_TOKEN_TABLE))) return [];
    const r = await sql<{ p: string | null }>`select distinct ticket_sn_prefix as p
      from ${sql.table(APP_TOKEN_TABLE)}`.execute(db.kysely);
    return r.rows.map((row) => row.p).filter((p): p is string => !!p && p.trim() === p);
  });
  return [...new Set([DEFAULT_PREFIX, ...found])].sort((a, b) => b.length - a.length || a.localeCompare(b));
}
