import type { Context } from '../../app/context.js';
import { UsageError } from '../../core/errors.js';
import { addDays, dateIn, dateRange, parseDate } from '../../core/parse.js';
import type { DayInput } from '../options/days.js';
import type { SerialFormatInput, TicketTableInput } from '../options/tickets.js';

/** The ticket table named by the options, checked to exist, with its database. */
export function ticketsOf(ctx: Context, f: TicketTableInput): ReturnType<Context['tickets']> {
  return ctx.tickets({
    table: f.ticketTable,
    idColumn: f.idColumn,
    serialColumn: f.serialColumn,
    createdColumn: f.createdColumn,
    deletedColumn: f.deletedColumn,
    timestamps: f.dbTimestamps,
  });
}

/** The days a command works on, from --date, --from/--to or --days (default: today in --tz). */
export function selectedDays(ctx: Context, f: DayInput): string[] {
  const tz = ctx.config.tz.value;
  const given = [f.date !== undefined, f.from !== undefined || f.to !== undefined, f.days !== undefined];
  if (given.filter(Boolean).length > 1) throw new UsageError('use one of --date, --from/--to and --days');
  if (f.from !== undefined || f.to !== undefined) {
    if (f.from === undefined || f.to === undefined) throw new UsageError('--from and --to go together');
    return dateRange(parseDate(f.from, tz, '--from'), parseDate(f.to, tz, '--to'));
  }
  if (f.days !== undefined) {
    const today = dateIn(tz);
    return dateRange(addDays(today, -(f.days - 1)), today);
  }
  return [f.date === undefined ? dateIn(tz) : parseDate(f.date, tz)];
}

/** Prefix and zone as LoonFlow writes them into serials, checked. */
export async function serialFormat(
  ctx: Context,
  f: SerialFormatInput,
): Promise<{ prefix: string; zone: string | null }> {
  const { checkSerialPart, DEFAULT_PREFIX } = await import('../../serial/format.js');
  const prefix = f.prefix ?? DEFAULT_PREFIX;
  const zone = ctx.config.zone.value ?? null;
  const badPrefix = checkSerialPart(prefix, 'prefix');
  if (badPrefix) throw new UsageError(`--prefix: ${badPrefix}`);
  const badZone = zone === null ? null : checkSerialPart(zone, 'zone');
  if (badZone) throw new UsageError(`--zone: ${badZone}`);
  return { prefix, zone };
}

/**
 * Whose serials a command judges: every prefix in use (account_apptoken; `loonflow` without it) in this
 * deployment's zone (ctx.config.zone; none: serials without a zone). `narrowed` is --prefix, when given.
 */
export async function serialScope(
  ctx: Context,
  db: Awaited<ReturnType<Context['tickets']>>['db'],
  narrowed?: string,
): Promise<{ prefixes: string[]; zone: string | null; shown: string[] }> {
  const { prefixesInUse } = await import('../../serial/prefixes.js');
  const prefixes = await prefixesInUse(db);
  const zone = ctx.config.zone.value || null;
  if (narrowed !== undefined && !prefixes.includes(narrowed)) prefixes.push(narrowed);
  return { prefixes, zone, shown: narrowed === undefined ? prefixes : [narrowed] };
}

/**
 * Serial commands exist for LoonFlow 0.x-2.x only: 3.x has no serials (usage error, exit 2).
 * `probe` lets the schema decide, which opens the database; `serial next` passes false.
 */
export async function requireSerials(ctx: Context, probe = true): Promise<void> {
  const [d, { LINE_FACTS }] = await Promise.all([ctx.deployment({ probe }), import('../../loonflow/lines.js')]);
  if (!LINE_FACTS[d.line].serials) {
    throw new UsageError(
      `LoonFlow ${d.line} has no ticket serials (${d.detail})`,
      'serials exist in LoonFlow 0.x-2.x only',
    );
  }
}
