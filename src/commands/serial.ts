import { Option, type Command } from 'commander';
import { DataError, ProblemFound } from '../core/errors.js';
import { parseIntOption } from '../core/parse.js';
import type { Tone } from '../core/output.js';
import { action, examples } from './action.js';
import { addDayOptions, addSerialOptions, addTableOptions, selectedDays, serialFormat, ticketTable, type DayFlags, type TableFlags } from './serial-options.js';

const STATUS_TONE: Record<string, Tone> = { ok: 'ok', ahead: 'info', missing: 'warn', behind: 'fail', invalid: 'fail' };

export function registerSerial(program: Command): void {
  const serial = program.command('serial').description('LoonFlow ticket serials: reserve race-free, inspect counters, reseed from the database, audit');
  examples(serial, [
    'loonctl serial next                          reserve one serial for today',
    'loonctl serial show --days 7                 counters of the last week against the database',
    'loonctl serial reseed --dry-run              what a reseed of today would change',
    'loonctl serial audit --from 2025-01-01 --to 2025-01-31',
    'loonctl serial parse loonflow_20250101000123',
  ]);

  examples(
    addTableOptions(
      addSerialOptions(
        serial
          .command('next')
          .description('reserve serials for a day, exactly as LoonFlow formats them, without ever repeating one')
          .option('--count <n>', 'how many serials to reserve (one round trip)', '1')
          .option('--date <date>', 'the day (default today in --tz)')
          .option('--init-from <n>', "where to start when the day's counter is absent and the database is unreachable"),
      ),
    ).action(
      action<{ count: string; date?: string; initFrom?: string; prefix?: string } & TableFlags>(async (ctx, o) => {
        const count = parseIntOption(o.count, '--count', 1, 10_000_000);
        const initFrom = o.initFrom === undefined ? undefined : parseIntOption(o.initFrom, '--init-from', 0);
        const [date] = selectedDays(ctx, { date: o.date });
        const fmt = await serialFormat(ctx, o);
        const table = await ticketTable(ctx, o);
        const { nextSerials } = await import('../serial/next.js');
        const redis = await ctx.redis();
        const r = await nextSerials(redis, {
          date: date!,
          count,
          ...fmt,
          initFrom,
          loadInit: async () => {
            const db = await ctx.db();
            const { requireTicketTable, dayStats } = await import('../db/tickets.js');
            await requireTicketTable(db, table);
            const s = (await dayStats(db, table, date!, date!)).get(date!)!;
            return Math.max(s.rows, s.maxSeq);
          },
        });
        if (r.initialisedFrom !== null) ctx.out.debug(`${r.key} was absent: started after ${r.initialisedFrom}`);
        if (ctx.out.isJson) return ctx.out.json({ date: r.date, key: r.key, first: r.first, last: r.last, initialised_from: r.initialisedFrom, serials: r.serials });
        await ctx.out.write(r.serials.join('\n') + '\n');
      }),
    ),
    ['loonctl serial next', 'loonctl serial next --count 100 --prefix hr --zone sh', 'loonctl serial next --init-from 120   # database down, counter lost'],
  );

  examples(
    addTableOptions(
      addSerialOptions(addDayOptions(serial.command('show').description('day counters against the database: value, TTL, rows, highest sequence, next serial, status'), true)),
    ).action(
      action<DayFlags & TableFlags & { prefix?: string }>(async (ctx, o) => {
        const dates = selectedDays(ctx, o);
        const fmt = await serialFormat(ctx, o);
        const table = await ticketTable(ctx, o);
        const [{ inspectDays }, { requireTicketTable }] = await Promise.all([import('../serial/inspect.js'), import('../db/tickets.js')]);
        const db = await ctx.db();
        await requireTicketTable(db, table);
        const days = await inspectDays(await ctx.redis(), db, table, dates, fmt);
        ctx.out.table(days, [
          { header: 'DATE', value: (d) => d.date },
          { header: 'COUNTER', value: (d) => d.counter ?? (d.invalidValue !== null ? `'${d.invalidValue}'` : '-'), align: 'right' },
          { header: 'TTL', value: (d) => (d.ttl === null ? '-' : d.ttl === -1 ? 'none' : `${d.ttl}s`), align: 'right' },
          { header: 'ROWS', value: (d) => d.rows, align: 'right' },
          { header: 'MAX SEQ', value: (d) => d.maxSeq, align: 'right' },
          { header: 'NEXT SERIAL', value: (d) => d.nextSerial },
          { header: 'STATUS', value: (d) => d.status, tone: (d) => STATUS_TONE[d.status] },
        ]);
        const bad = days.filter((d) => d.status === 'behind' || d.status === 'invalid');
        if (bad.length) throw new ProblemFound(`${bad.length} day counter(s) behind the database: the next serial would repeat one in use (run loonctl serial reseed)`, ctx.out.isJson);
      }),
    ),
    ['loonctl serial show', 'loonctl serial show --days 30 --json', 'loonctl serial show --from 2025-01-01 --to 2025-01-31'],
  );

  examples(
    addTableOptions(
      addDayOptions(
        serial
          .command('reseed')
          .description('set day counters from the database; never lowers one unless --allow-lower; safe to run from cron')
          .addOption(new Option('--strategy <s>', 'safe = max(rows, highest sequence); count = rows; max-serial = highest sequence').choices(['safe', 'count', 'max-serial']).default('safe'))
          .option('--allow-lower', 'lower a counter that is above the target (serials may repeat)')
          .option('--dry-run', 'show what would change, change nothing')
          .option('--yes', 'do not ask (needed with --allow-lower off a terminal)'),
        false,
      ),
    ).action(
      action<DayFlags & TableFlags & { strategy: 'safe' | 'count' | 'max-serial'; allowLower?: boolean; dryRun?: boolean; yes?: boolean }>(async (ctx, o) => {
        const dates = selectedDays(ctx, o);
        const table = await ticketTable(ctx, o);
        const [{ reseedDays }, { requireTicketTable }] = await Promise.all([import('../serial/reseed.js'), import('../db/tickets.js')]);
        const db = await ctx.db();
        await requireTicketTable(db, table);
        const redis = await ctx.redis();
        const run = (dryRun: boolean, allowLower: boolean) => reseedDays(redis, db, table, dates, { strategy: o.strategy, allowLower, dryRun });
        let allowLower = !!o.allowLower;
        if (allowLower && !o.dryRun) {
          const preview = (await run(true, true)).filter((d) => d.action === 'lowered');
          const repeats = preview.reduce((n, d) => n + d.mayRepeat, 0);
          if (preview.length) {
            ctx.out.warn(`lowering ${preview.length} counter(s): up to ${repeats} serial(s) already handed out may be handed out again`);
            allowLower = await ctx.out.confirm('Lower these counters?', o.yes);
            if (!allowLower) ctx.out.info('not lowering; raising where needed only');
          }
        }
        const result = await run(!!o.dryRun, allowLower);
        ctx.out.table(
          result,
          [
            { header: 'DATE', value: (d) => d.date },
            { header: 'BEFORE', value: (d) => d.before ?? '-', align: 'right' },
            { header: 'AFTER', value: (d) => d.after ?? '-', align: 'right' },
            { header: 'TARGET', value: (d) => d.target, align: 'right' },
            { header: o.dryRun ? 'WOULD' : 'ACTION', value: (d) => d.action, tone: (d) => (d.action === 'lowered' ? 'warn' : d.action === 'unchanged' || d.action === 'skipped' ? 'dim' : 'ok') },
            { header: 'MAY REPEAT', value: (d) => d.mayRepeat || '', align: 'right' },
          ],
          { json: { dry_run: !!o.dryRun, strategy: o.strategy, days: result } },
        );
      }),
    ),
    ['loonctl serial reseed                        after a Redis restart: today from the database', 'loonctl serial reseed --from 2025-01-01 --to 2025-01-07 --dry-run', '@reboot loonctl serial reseed -q            # cron'],
  );

  examples(
    addTableOptions(addSerialOptions(addDayOptions(serial.command('audit').description('duplicate serials (with ticket ids), gaps, malformed serials, counters behind; exit 1 on duplicates or a counter behind'), false))).action(
      action<DayFlags & TableFlags & { prefix?: string }>(async (ctx, o) => {
        const dates = selectedDays(ctx, o);
        const table = await ticketTable(ctx, o);
        const fmt = await serialFormat(ctx, o);
        const [{ auditSerials }, { requireTicketTable }] = await Promise.all([import('../serial/audit.js'), import('../db/tickets.js')]);
        const db = await ctx.db();
        await requireTicketTable(db, table);
        const report = await auditSerials(await ctx.redis(), db, table, dates, { prefix: o.prefix, zone: o.zone === undefined && ctx.config.zone.value === undefined ? undefined : fmt.zone });
        if (ctx.out.isJson) ctx.out.json(report);
        else {
          const out = ctx.out;
          out.info(`${report.tickets} tickets created ${report.from}..${report.to}`);
          const section = (title: string, n: number) => out.line(out.paint(`${title}: ${n}`, n ? 'fail' : 'ok'));
          section('duplicate serials', report.duplicates.length);
          out.table(report.duplicates, [
            { header: 'SERIAL', value: (d) => d.sn },
            { header: 'TICKET IDS', value: (d) => d.ids.map((id, i) => (d.deleted[i] ? `${id} (deleted)` : id)).join(', ') },
          ]);
          section('counters behind', report.behind.length);
          out.table(report.behind, [
            { header: 'DATE', value: (d) => d.date },
            { header: 'COUNTER', value: (d) => d.counter ?? d.invalidValue },
            { header: 'MAX SEQ', value: (d) => d.maxSeq },
          ]);
          out.line(out.paint(`days with gaps: ${report.gaps.length}`, report.gaps.length ? 'warn' : 'ok'));
          out.table(report.gaps, [
            { header: 'DATE', value: (g) => g.date },
            { header: 'MAX SEQ', value: (g) => g.maxSeq },
            { header: 'MISSING', value: (g) => g.missingCount },
            { header: 'FIRST MISSING', value: (g) => g.missing.slice(0, 10).join(' ') + (g.missingCount > 10 ? ' ...' : '') },
          ]);
          out.line(out.paint(`malformed serials: ${report.malformed.length}`, report.malformed.length ? 'warn' : 'ok'));
          out.table(report.malformed.slice(0, 100), [
            { header: 'TICKET ID', value: (m) => m.id },
            { header: 'SERIAL', value: (m) => m.sn ?? '(null)' },
          ]);
        }
        if (report.problems) throw new ProblemFound(`${report.duplicates.length} duplicate serial(s), ${report.behind.length} counter(s) behind`, true);
      }),
    ),
    ['loonctl serial audit', 'loonctl serial audit --from 2025-01-01 --to 2025-03-31 --json'],
  );

  examples(
    serial
      .command('parse')
      .description('split serials into prefix, zone, date and sequence; exit 65 if one is not a serial')
      .argument('<sn...>', 'serials')
      .option('--prefix <prefix>', 'the expected prefix, when it contains _')
      .action(
        action<{ prefix?: string }>(async (ctx, o, args) => {
          const { parseSerial } = await import('../serial/format.js');
          const rows = args.map((sn) => ({ sn, parts: parseSerial(sn, o.prefix) }));
          ctx.out.table(
            rows,
            [
              { header: 'SERIAL', value: (r) => r.sn },
              { header: 'PREFIX', value: (r) => r.parts?.prefix ?? '' },
              { header: 'ZONE', value: (r) => r.parts?.zone ?? '' },
              { header: 'DATE', value: (r) => r.parts?.date ?? '' },
              { header: 'SEQ', value: (r) => r.parts?.seq ?? 'not a serial', tone: (r) => (r.parts ? undefined : 'fail') },
            ],
            { json: rows.map((r) => (r.parts ? { sn: r.sn, ...r.parts } : { sn: r.sn, error: 'not a serial' })) },
          );
          const bad = rows.filter((r) => !r.parts);
          if (bad.length) throw new DataError(`not a serial: ${bad.map((r) => `'${r.sn}'`).join(', ')}`, 'expected prefix_[zone_]YYYYMMDDNNNN');
        }),
      ),
    ['loonctl serial parse loonflow_sh_202501010042', 'loonctl serial parse --json $(cat serials.txt)'],
  );
}
