import { ProblemFound } from '../../core/errors.js';
import { snakeKeys } from '../../core/json-keys.js';
import { type View, table } from '../../core/view.js';
import type { AuditReport } from '../../serial/audit.js';
import { DAY_OPTIONS, type DayInput } from '../options/days.js';
import {
  SERIAL_FORMAT_OPTIONS,
  type SerialFormatInput,
  TICKET_TABLE_OPTIONS,
  type TicketTableInput,
} from '../options/tickets.js';
import { defineCommand } from '../spec.js';
import { requireSerials, selectedDays, serialFormat, serialScope, ticketsOf } from './shared.js';

const MALFORMED_SHOWN = 100;

export const serialAudit = defineCommand<DayInput & SerialFormatInput & TicketTableInput>({
  path: ['serial', 'audit'],
  summary:
    'duplicate serials (with ticket ids), gaps, malformed serials, counters behind; ' +
    'exit 1 on duplicates or a counter behind',
  options: [...DAY_OPTIONS, ...SERIAL_FORMAT_OPTIONS, ...TICKET_TABLE_OPTIONS],
  examples: ['loonctl serial audit', 'loonctl serial audit --from 2025-01-01 --to 2025-03-31 --json'],
  async run(ctx, o) {
    await requireSerials(ctx);
    const dates = selectedDays(ctx, o);
    const { db, table: tickets } = await ticketsOf(ctx, o);
    const fmt = await serialFormat(ctx, o);
    const { auditSerials } = await import('../../serial/audit.js');
    const scope = await serialScope(ctx, db, o.prefix);
    const report = await auditSerials(await ctx.redis(), db, tickets, dates, {
      prefixes: scope.prefixes,
      prefix: o.prefix,
      zone: fmt.zone,
    });
    const zoneText = report.zone === null ? 'no zone' : `zone ${report.zone}`;
    ctx.out.info(
      `${report.tickets} tickets created ${report.from}..${report.to}; ` +
        `prefixes ${report.prefixes.join(', ')}, ${zoneText}` +
        (report.otherZoneTickets ? `; ${report.otherZoneTickets} of other zones left out` : ''),
    );
    const problem =
      `${report.duplicates.length} duplicate serial(s), ${report.behind.length} counter(s) behind` +
      (report.overflowingPrefixes.length ? `, ${report.overflowingPrefixes.length} prefix(es) overflow sn` : '');
    return {
      views: auditViews(report),
      json: snakeKeys(report),
      after: report.problems ? new ProblemFound(problem, true) : undefined,
    };
  },
});

function section(title: string, n: number, bad: 'fail' | 'warn' = 'fail'): View {
  return { kind: 'heading', text: `${title}: ${n}`, tone: n ? bad : 'ok' };
}

function auditViews(r: AuditReport): View[] {
  return [
    section('duplicate serials', r.duplicates.length),
    table(r.duplicates, [
      { header: 'SERIAL', value: (d) => d.sn },
      { header: 'TICKET IDS', value: (d) => d.ids.map((id, i) => (d.deleted[i] ? `${id} (deleted)` : id)).join(', ') },
    ]),
    section('counters behind', r.behind.length),
    table(r.behind, [
      { header: 'DATE', value: (d) => d.date },
      { header: 'COUNTER', value: (d) => d.counter ?? d.invalidValue },
      { header: 'MAX SEQ', value: (d) => d.maxSeq },
    ]),
    section('days with gaps', r.gaps.length, 'warn'),
    table(r.gaps, [
      { header: 'DATE', value: (g) => g.date },
      { header: 'MAX SEQ', value: (g) => g.maxSeq },
      { header: 'MISSING', value: (g) => g.missingCount },
      { header: 'FIRST MISSING', value: (g) => g.missing.slice(0, 10).join(' ') + (g.missingCount > 10 ? ' ...' : '') },
    ]),
    section('prefixes longer than the serial column (LoonFlow cannot insert them)', r.overflowingPrefixes.length),
    table(r.overflowingPrefixes, [
      { header: 'PREFIX', value: (p) => p.prefix },
      { header: 'SERIAL LENGTH', value: (p) => p.serialLength },
      { header: 'COLUMN LENGTH', value: (p) => p.columnLength },
    ]),
    section("serials made after midnight with the previous day's sequence (not duplicates)", r.midnight.length, 'warn'),
    table(r.midnight, [
      { header: 'TICKET ID', value: (m) => m.id },
      { header: 'SERIAL', value: (m) => m.sn },
      { header: 'CREATED', value: (m) => m.created },
      { header: 'SEQUENCE OF', value: (m) => m.sequenceOf },
    ]),
    section('malformed serials', r.malformed.length, 'warn'),
    table(
      r.malformed.slice(0, MALFORMED_SHOWN),
      [
        { header: 'TICKET ID', value: (m) => m.id },
        { header: 'SERIAL', value: (m) => m.sn ?? '(null)' },
      ],
      {
        limited:
          r.malformed.length > MALFORMED_SHOWN
            ? { shown: MALFORMED_SHOWN, total: r.malformed.length, hint: '--json for all' }
            : undefined,
      },
    ),
  ];
}
