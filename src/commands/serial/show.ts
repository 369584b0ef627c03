import { ProblemFound } from '../../core/errors.js';
import { snakeKeys } from '../../core/json-keys.js';
import { formatDuration } from '../../core/time-format.js';
import { type Tone, table } from '../../core/view.js';
import type { DayInspection } from '../../serial/inspect.js';
import { DAY_OPTIONS_WITH_LAST, type DayInput } from '../options/days.js';
import {
  SERIAL_FORMAT_OPTIONS,
  type SerialFormatInput,
  TICKET_TABLE_OPTIONS,
  type TicketTableInput,
} from '../options/tickets.js';
import { defineCommand } from '../spec.js';
import { requireSerials, selectedDays, serialFormat, serialScope, ticketsOf } from './shared.js';

const STATUS_TONE: Record<string, Tone> = { ok: 'ok', ahead: 'info', missing: 'warn', behind: 'fail', invalid: 'fail' };

export const serialShow = defineCommand<DayInput & SerialFormatInput & TicketTableInput>({
  path: ['serial', 'show'],
  redis: 'lean',
  summary: 'day counters against the database: value, TTL, rows, highest sequence, next serial, status',
  options: [...DAY_OPTIONS_WITH_LAST, ...SERIAL_FORMAT_OPTIONS, ...TICKET_TABLE_OPTIONS],
  examples: [
    'loonctl serial show',
    'loonctl serial show --days 30 --json',
    'loonctl serial show --from 2025-01-01 --to 2025-01-31',
  ],
  async run(ctx, o) {
    await requireSerials(ctx);
    const dates = selectedDays(ctx, o);
    const fmt = await serialFormat(ctx, o);
    const { db, table: tickets } = await ticketsOf(ctx, o);
    const { inspectDays } = await import('../../serial/inspect.js');
    const scope = await serialScope(ctx, db, o.prefix);
    const days = await inspectDays(await ctx.redis(), db, tickets, dates, { ...fmt, ...scope });
    const bad = days.filter((d) => d.status === 'behind' || d.status === 'invalid');
    const view = table<DayInspection>(days, [
      { header: 'DATE', value: (d) => d.date },
      {
        header: 'COUNTER',
        value: (d) => d.counter ?? (d.invalidValue !== null ? `'${d.invalidValue}'` : '-'),
        align: 'right',
      },
      { header: 'TTL', value: (d) => ttlText(d.ttl), align: 'right', priority: 3 },
      { header: 'ROWS', value: (d) => d.rows, align: 'right', priority: 2 },
      { header: 'MAX SEQ', value: (d) => d.maxSeq, align: 'right', priority: 2 },
      { header: 'NEXT SERIAL', value: (d) => d.nextSerials.join(' '), priority: 4, min: 12 },
      { header: 'STATUS', value: (d) => d.status, tone: (d) => STATUS_TONE[d.status] },
    ]);
    const problem =
      `${bad.length} day counter(s) behind the database: ` +
      'the next serial would repeat one in use (run loonctl serial reseed)';
    return {
      views: [view],
      json: snakeKeys(days.map(({ ttl, ...d }) => ({ ...d, ttlSeconds: ttl }))),
      after: bad.length ? new ProblemFound(problem, ctx.out.isJson) : undefined,
    };
  },
});

function ttlText(ttl: number | null): string {
  if (ttl === null) return '-';
  return ttl === -1 ? 'none' : formatDuration(ttl);
}
