import { connectDatabase, type Database } from '../db/connect.js';
import { UnavailableError } from '../core/errors.js';
import { maskUrl } from '../core/mask.js';
import { tableExists } from '../db/schema.js';

export interface PickedDatabase {
  db: Database;
  /** Why this candidate: said by config show and doctor. */
  reason: string;
}

/**
 * LoonFlow 2.0.16+ and 3.0.x read the same variables but keep tickets in MySQL on 3306 or
 * PostgreSQL on 5432. Both are tried at once; the one that holds LoonFlow's ticket table wins, else
 * the one that answered.
 */
export async function pickDatabase(candidates: string[], timeoutMs: number, tz: string): Promise<PickedDatabase> {
  if (candidates.length === 1) return { db: await connectDatabase(candidates[0], timeoutMs, tz), reason: 'configured' };
  const tries = await Promise.allSettled(candidates.map((url) => connectDatabase(url, timeoutMs, tz)));
  const open = tries.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
  let chosen: Database | undefined;
  for (const db of open) {
    const loonflow =
      (await tableExists(db, 'ticket_ticketrecord').catch(() => false)) ||
      (await tableExists(db, 'ticket_record').catch(() => false));
    if (loonflow) {
      chosen = db;
      break;
    }
  }
  chosen ??= open[0];
  for (const db of open) if (db !== chosen) await db.destroy().catch(() => {});
  if (!chosen) {
    const first = tries[0] as PromiseRejectedResult;
    if (first.reason instanceof UnavailableError) throw first.reason;
    throw new UnavailableError(`no LoonFlow database answered at ${candidates.map(maskUrl).join(' or ')}`);
  }
  const why = open.length > 1 ? 'holds the ticket table' : 'answered';
  const reason = `probed ${candidates.length} candidates: ${chosen.dialect} ${why}`;
  return { db: chosen, reason };
}
