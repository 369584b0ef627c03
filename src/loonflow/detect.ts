import { checkLoonflowVersion, type ResolvedConfig } from '../core/config.js';
import type { Database } from '../db/connect.js';
import type { Deployment } from './lines.js';

/**
 * The LoonFlow line: an explicit setting always wins; then LoonFlow's own variables when only one
 * line reads them (3.1+); then the schema, once a database is open; else LoonFlow 2.x.
 */
export async function detectDeployment(config: ResolvedConfig, db?: () => Promise<Database>): Promise<Deployment> {
  const v = config.loonflowVersion;
  if (v.value !== undefined)
    return { line: checkLoonflowVersion(v.value), how: 'setting', detail: `${v.value} (${v.source})` };
  // LoonFlow shipped MySQL up to 2.x and PostgreSQL only from 3.0: its settings file's ENGINE tells.
  const engine = config.loonflowEngine;
  if (engine && config.databaseUrl.source === `settings ${config.loonflowSettings.value}`) {
    const detail = `DATABASES ENGINE ${engine} in ${config.loonflowSettings.value}`;
    return { line: engine === 'postgresql' ? '3.x' : '2.x', how: 'settings file', detail };
  }
  if (config.loonflowEnvLines === '3.1+')
    return { line: '3.x', how: 'environment', detail: '3.1+ variables (REDIS_PASSWORD, POSTGRES_PORT, ...)' };
  let open: Database | undefined;
  let unreachable = false;
  if (db) open = await db().catch(() => ((unreachable = true), undefined));
  if (open) {
    const { tableExists } = await import('../db/schema.js');
    if (await tableExists(open, 'ticket_record'))
      return { line: '3.x', how: 'schema', detail: `ticket_record in ${open.dialect}` };
    if (await tableExists(open, 'ticket_ticketrecord')) {
      return { line: '2.x', how: 'schema', detail: `ticket_ticketrecord in ${open.dialect} (0.x-2.x)` };
    }
  }
  const why = unreachable ? 'database unreachable, assuming 2.x' : 'nothing says otherwise';
  return { line: '2.x', how: 'default', detail: `${why} (set loonflowVersion to be sure)` };
}
