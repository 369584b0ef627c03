import { snakeKeys } from '../../core/json-keys.js';
import { formatDuration } from '../../core/time-format.js';
import { table } from '../../core/view.js';
import type { PrimeDay } from '../../serial/prime.js';
import { SERIAL_FORMAT_OPTIONS, TICKET_TABLE_OPTIONS, type TicketTableInput } from '../options/tickets.js';
import { DRY_RUN, type WriteInput } from '../options/write.js';
import { defineCommand } from '../spec.js';
import { requireSerials, serialScope, ticketsOf } from './shared.js';

interface Input extends TicketTableInput, Pick<WriteInput, 'dryRun'> {
  days: number;
}

export const serialPrime = defineCommand<Input>({
  path: ['serial', 'prime'],
  summary: "create the coming days' counters ahead of LoonFlow, which races only on an absent key; safe from cron",
  options: [
    {
      name: 'days',
      type: 'int',
      min: 0,
      max: 31,
      default: 2,
      description: 'days after today to prime as well as today; 2 keeps tomorrow primed all day from a daily cron',
    },
    DRY_RUN,
    ...SERIAL_FORMAT_OPTIONS.filter((opt) => opt.name === 'zone'),
    ...TICKET_TABLE_OPTIONS,
  ],
  examples: [
    'loonctl serial prime                          today, tomorrow and the day after',
    'loonctl serial prime --days 7 --dry-run',
    '55 23 * * * loonctl serial prime -q          # cron',
  ],
  async run(ctx, o) {
    await requireSerials(ctx);
    const tz = ctx.config.tz.value;
    const { primeDates, primeDays } = await import('../../serial/prime.js');
    const dates = primeDates(tz, o.days);
    const { db, table: tickets } = await ticketsOf(ctx, o);
    const { prefixes, zone } = await serialScope(ctx, db);
    const scope = { prefixes, zone };
    const result = await primeDays(await ctx.redis(), db, tickets, dates, { tz, dryRun: !!o.dryRun, scope });
    const view = table<PrimeDay>(result, [
      { header: 'DATE', value: (d) => d.date },
      { header: 'BEFORE', value: (d) => d.before ?? '-', align: 'right' },
      { header: 'AFTER', value: (d) => d.after, align: 'right' },
      { header: 'TTL', value: (d) => ttlText(d.ttlSeconds), align: 'right', priority: 2 },
      {
        header: o.dryRun ? 'WOULD' : 'ACTION',
        value: (d) => d.action,
        tone: (d) => (d.action === 'unchanged' ? 'dim' : 'ok'),
      },
    ]);
    return { views: [view], json: snakeKeys({ dryRun: !!o.dryRun, timeZone: tz, days: result }) };
  },
});

function ttlText(ttl: number): string {
  return ttl === -1 ? 'none' : formatDuration(ttl);
}
