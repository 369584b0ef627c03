import { snakeKeys } from '../../core/json-keys.js';
import { DAY_OPTIONS } from '../options/days.js';
import {
  SERIAL_FORMAT_OPTIONS,
  type SerialFormatInput,
  TICKET_TABLE_OPTIONS,
  type TicketTableInput,
} from '../options/tickets.js';
import { defineCommand } from '../spec.js';
import { requireSerials, selectedDays, serialFormat, serialScope, ticketsOf } from './shared.js';

interface Input extends SerialFormatInput, TicketTableInput {
  count: number;
  date?: string;
  initFrom?: number;
}

export const serialNext = defineCommand<Input>({
  path: ['serial', 'next'],
  redis: 'lean',
  summary: 'reserve serials for a day, exactly as LoonFlow formats them, without ever repeating one',
  options: [
    {
      name: 'count',
      type: 'int',
      min: 1,
      max: 10_000_000,
      default: 1,
      description: 'how many serials to reserve (one round trip)',
    },
    DAY_OPTIONS[0],
    {
      name: 'init-from',
      type: 'int',
      min: 0,
      description: "where to start when the day's counter is absent and the database is unreachable",
    },
    ...SERIAL_FORMAT_OPTIONS,
    ...TICKET_TABLE_OPTIONS,
  ],
  examples: [
    'loonctl serial next',
    'loonctl serial next --count 100 --prefix hr --zone sh',
    'loonctl serial next --init-from 120   # database down, counter lost',
  ],
  async run(ctx, o) {
    await requireSerials(ctx, false);
    const [date] = selectedDays(ctx, { date: o.date });
    const fmt = await serialFormat(ctx, o);
    const [{ nextSerials }, { highestUsed }] = await Promise.all([
      import('../../serial/next.js'),
      import('../../serial/used.js'),
    ]);
    const r = await nextSerials(await ctx.redis(), {
      date: date,
      count: o.count,
      ...fmt,
      initFrom: o.initFrom,
      loadInit: async () => {
        const { db, table } = await ticketsOf(ctx, o);
        const { prefixes, zone } = await serialScope(ctx, db);
        return highestUsed(db, table, date, { prefixes, zone });
      },
    });
    if (r.initialisedFrom !== null) ctx.out.debug(`${r.key} was absent: started after ${r.initialisedFrom}`);
    return { views: [{ kind: 'lines', lines: r.serials }], json: snakeKeys(r) };
  },
});
