import { Option, type Command } from 'commander';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { addDays, dateIn, dateRange, parseDate, parseIntOption } from '../core/parse.js';
import type { TicketTable } from '../db/ticket-table.js';
import type { GlobalOptions } from './action.js';

export interface TableFlags {
  ticketTable?: string;
  idColumn?: string;
  serialColumn?: string;
  createdColumn?: string;
  deletedColumn?: string;
  dbTimestamps?: 'naive' | 'utc';
}

export interface DayFlags {
  date?: string;
  from?: string;
  to?: string;
  days?: string;
}

export function addTableOptions(cmd: Command): Command {
  return cmd
    .option('--ticket-table <name>', 'ticket table (default ticket_ticketrecord)')
    .option('--id-column <name>', 'ticket id column (default id)')
    .option('--serial-column <name>', 'serial column (default sn)')
    .option('--created-column <name>', 'creation time column (default gmt_created)')
    .option('--deleted-column <name>', "soft-delete column, '' for none (default is_deleted)")
    .addOption(new Option('--db-timestamps <kind>', 'created column holds local (naive) or UTC wall-clock time').choices(['naive', 'utc']));
}

export function addSerialOptions(cmd: Command): Command {
  return cmd
    .option('--prefix <prefix>', "serial prefix (an application's ticket_sn_prefix; default loonflow)")
    .option('--zone <zone>', 'deploy zone in serials (DEPLOY_ZONE)');
}

export function addDayOptions(cmd: Command, withDays: boolean): Command {
  cmd.option('--date <date>', 'one day: YYYY-MM-DD, today or yesterday (default today)').option('--from <date>', 'first day of a range').option('--to <date>', 'last day of a range');
  if (withDays) cmd.option('--days <n>', 'the last N days, today included');
  return cmd;
}

export async function ticketTable(ctx: Context, f: TableFlags): Promise<TicketTable> {
  const { makeTicketTable } = await import('../db/ticket-table.js');
  return makeTicketTable({
    table: f.ticketTable,
    idColumn: f.idColumn,
    serialColumn: f.serialColumn,
    createdColumn: f.createdColumn,
    deletedColumn: f.deletedColumn,
    timestamps: f.dbTimestamps,
    tz: ctx.config.tz.value,
  });
}

/** The days a command works on, from --date, --from/--to or --days (default: today in --tz). */
export function selectedDays(ctx: Context, f: DayFlags): string[] {
  const tz = ctx.config.tz.value;
  const given = [f.date !== undefined, f.from !== undefined || f.to !== undefined, f.days !== undefined].filter(Boolean).length;
  if (given > 1) throw new UsageError('use one of --date, --from/--to and --days');
  if (f.from !== undefined || f.to !== undefined) {
    if (f.from === undefined || f.to === undefined) throw new UsageError('--from and --to go together');
    return dateRange(parseDate(f.from, tz, '--from'), parseDate(f.to, tz, '--to'));
  }
  if (f.days !== undefined) {
    const n = parseIntOption(f.days, '--days', 1, 366);
    const today = dateIn(tz);
    return dateRange(addDays(today, -(n - 1)), today);
  }
  return [f.date === undefined ? dateIn(tz) : parseDate(f.date, tz)];
}

export async function serialFormat(ctx: Context, f: { prefix?: string; zone?: string } & GlobalOptions): Promise<{ prefix: string; zone: string | null }> {
  const { checkSerialPart, DEFAULT_PREFIX } = await import('../serial/format.js');
  const prefix = f.prefix ?? DEFAULT_PREFIX;
  const zone = ctx.config.zone.value ?? null;
  const badPrefix = checkSerialPart(prefix, 'prefix');
  if (badPrefix) throw new UsageError(`--prefix: ${badPrefix}`);
  if (zone !== null) {
    const badZone = checkSerialPart(zone, 'zone');
    if (badZone) throw new UsageError(`--zone: ${badZone}`);
  }
  return { prefix, zone };
}
