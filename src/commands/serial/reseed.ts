import { ProblemFound } from '../../core/errors.js';
import { snakeKeys } from '../../core/json-keys.js';
import { table } from '../../core/view.js';
import type { ReseedDay } from '../../serial/reseed.js';
import { DAY_OPTIONS, type DayInput } from '../options/days.js';
import { SERIAL_FORMAT_OPTIONS, TICKET_TABLE_OPTIONS, type TicketTableInput } from '../options/tickets.js';
import { DRY_RUN, type WriteInput, YES } from '../options/write.js';
import { defineCommand } from '../spec.js';
import { requireSerials, selectedDays, serialScope, ticketsOf } from './shared.js';

type Strategy = 'safe' | 'count' | 'max-serial';

interface Input extends DayInput, TicketTableInput, WriteInput {
  strategy: Strategy;
  allowLower?: boolean;
  skipInvalid?: boolean;
  replaceInvalid?: boolean;
}

export const serialReseed = defineCommand<Input>({
  path: ['serial', 'reseed'],
  summary: 'set day counters from the database; never lowers one unless --allow-lower; safe to run from cron',
  options: [
    {
      name: 'strategy',
      type: 'string',
      choices: ['safe', 'count', 'max-serial'],
      default: 'safe',
      description: 'safe = max(rows, highest sequence); count = rows; max-serial = highest sequence',
    },
    {
      name: 'allow-lower',
      type: 'boolean',
      description: 'lower a counter that is above the target (serials may repeat)',
    },
    {
      name: 'skip-invalid',
      type: 'boolean',
      description: 'report counters that are not integers and reseed the other days',
    },
    { name: 'replace-invalid', type: 'boolean', description: 'overwrite counters that are not integers (needs --yes)' },
    DRY_RUN,
    YES,
    ...DAY_OPTIONS,
    // The zone's own serials set the highest sequence: zones sharing a database never raise each other.
    ...SERIAL_FORMAT_OPTIONS.filter((opt) => opt.name === 'zone'),
    ...TICKET_TABLE_OPTIONS,
  ],
  examples: [
    'loonctl serial reseed                        after a Redis restart: today from the database',
    'loonctl serial reseed --from 2025-01-01 --to 2025-01-07 --dry-run',
    '@reboot loonctl serial reseed -q            # cron',
  ],
  async run(ctx, o) {
    await requireSerials(ctx);
    const dates = selectedDays(ctx, o);
    const { db, table: tickets } = await ticketsOf(ctx, o);
    const { reseedDays } = await import('../../serial/reseed.js');
    const redis = await ctx.redis();
    if (o.replaceInvalid && !o.dryRun && !(await ctx.out.confirm('Overwrite counters that are not integers?', o.yes))) {
      throw new ProblemFound('nothing changed');
    }
    const invalid = { skipInvalid: !!o.skipInvalid, replaceInvalid: !!o.replaceInvalid };
    const { prefixes, zone } = await serialScope(ctx, db);
    const scope = { prefixes, zone };
    const run = (dryRun: boolean, allowLower: boolean) =>
      reseedDays(redis, db, tickets, dates, { strategy: o.strategy, allowLower, dryRun, scope, ...invalid });
    let allowLower = !!o.allowLower;
    if (allowLower && !o.dryRun) {
      const preview = (await run(true, true)).filter((d) => d.action === 'lowered');
      const repeats = preview.reduce((n, d) => n + d.mayRepeat, 0);
      if (preview.length) {
        ctx.out.warn(
          `lowering ${preview.length} counter(s): ` +
            `up to ${repeats} serial(s) already handed out may be handed out again`,
        );
        allowLower = await ctx.out.confirm('Lower these counters?', o.yes);
        if (!allowLower) ctx.out.info('not lowering; raising where needed only');
      }
    }
    const result = await run(!!o.dryRun, allowLower);
    for (const d of result.filter((x) => x.malformedSerials)) {
      ctx.out.warn(`${d.malformedSerials} serial(s) of ${d.date} have sequences over 15 digits: malformed, ignored`);
    }
    const view = table<ReseedDay>(result, [
      { header: 'DATE', value: (d) => d.date },
      { header: 'BEFORE', value: (d) => d.before ?? '-', align: 'right' },
      { header: 'AFTER', value: (d) => d.after ?? '-', align: 'right' },
      { header: 'TARGET', value: (d) => d.target, align: 'right', priority: 2 },
      { header: o.dryRun ? 'WOULD' : 'ACTION', value: (d) => d.action, tone: (d) => actionTone(d.action) },
      { header: 'MAY REPEAT', value: (d) => d.mayRepeat || '', align: 'right', priority: 3 },
    ]);
    return { views: [view], json: snakeKeys({ dryRun: !!o.dryRun, strategy: o.strategy, days: result }) };
  },
});

function actionTone(action: ReseedDay['action']) {
  if (action === 'invalid') return 'fail' as const;
  if (action === 'lowered' || action === 'replaced') return 'warn' as const;
  return action === 'unchanged' || action === 'skipped' ? ('dim' as const) : ('ok' as const);
}
