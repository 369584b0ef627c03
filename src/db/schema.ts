import { sql } from 'kysely';
import type { Database } from './connect.js';

/** Whether a table exists in the connected database's current schema. */
export async function tableExists(db: Database, table: string): Promise<boolean> {
  const q =
    db.dialect === 'postgres'
      ? sql<{ n: number }>`select count(*)::int as n from information_schema.tables
          where table_schema = current_schema() and table_name = ${table}`
      : sql<{ n: number }>`select count(*) as n from information_schema.tables
          where table_schema = database() and table_name = ${table}`;
  const r = await q.execute(db.kysely);
  return Number(r.rows[0]?.n ?? 0) > 0;
}
