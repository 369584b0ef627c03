import { userInfo } from 'node:os';
import { ProblemFound } from '../../core/errors.js';
import { table } from '../../core/view.js';
import type { RetryOutcome, RetrySend } from '../../tickets/retry.js';
import { DRY_RUN, YES, type WriteInput } from '../options/write.js';
import { defineCommand } from '../spec.js';
import { TICKET_OPTIONS, ticketSources, type TicketInput } from './shared.js';

interface Input extends TicketInput, WriteInput {
  ids: string[];
  username?: string;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'loonctl';
  }
}

export const ticketRetry = defineCommand<Input>({
  path: ['ticket', 'retry'],
  summary:
    "send a ticket's failed or lost script/hook task again as LoonFlow's retry does (refused while a message " +
    'for it exists anywhere or it runs; a 3.x hook node that has one is left alone, its failed siblings sent)',
  args: [{ name: 'ids', required: true, variadic: true, description: 'ticket ids' }],
  options: [
    {
      name: 'username',
      type: 'string',
      placeholder: 'name',
      description: "2.x scripts get action_from '<username>_retry' (default: your login name)",
    },
    DRY_RUN,
    YES,
    ...TICKET_OPTIONS,
  ],
  examples: ['loonctl ticket retry 4711 --dry-run', 'loonctl ticket retry 4711 4712 --yes --json'],
  async run(ctx, o) {
    const [{ sources, takeCensus }, { retryTicket }, { flavourForLoonflow }] = await Promise.all([
      ticketSources(ctx, o),
      import('../../tickets/retry.js'),
      import('../../celery/write/flavour.js'),
    ]);
    const d = await ctx.deployment();
    const celery = flavourForLoonflow(d.line, ctx.config.loonflowVersion.value);
    if (!o.dryRun && !(await ctx.out.confirm(`Send the task of ${o.ids.length} ticket(s) again?`, o.yes)))
      throw new ProblemFound('nothing sent');
    const opts = {
      locks: await ctx.redis(),
      celery,
      username: o.username ?? osUser(),
      dryRun: !!o.dryRun,
      census: takeCensus,
      signal: ctx.signal,
    };
    const results = [];
    for (const id of o.ids) results.push(await retryTicket(sources, opts, id));
    const rows: { r: RetryOutcome; x?: RetrySend }[] = results.flatMap((r) =>
      r.sends.length ? r.sends.map((x) => ({ r, x })) : [{ r }],
    );
    const view = table(rows, [
      { header: 'TICKET', min: 6, value: ({ r }) => r.ticketId },
      { header: 'RESULT', value: ({ r }) => r.status, tone: ({ r }) => (r.status === 'refused' ? 'fail' : 'ok') },
      { header: 'TASK', value: ({ x }) => x?.task ?? '-' },
      { header: 'TASK ID', value: ({ x }) => x?.id ?? '-' },
      { header: 'ARGS', priority: 2, value: ({ x }) => (x ? JSON.stringify(x.args) : '-') },
      {
        header: 'REASON',
        value: ({ r }) => r.reason ?? (r.skipped.length ? `left alone: ${r.skipped.join('; ')}` : (r.dbUpdate ?? '-')),
      },
    ]);
    const refused = results.filter((r) => r.status === 'refused');
    const sent = results.filter((r) => r.status !== 'refused');
    const text = `${o.dryRun ? 'dry run: would send' : 'sent'} ${sent.length}, refused ${refused.length}`;
    const json = {
      dry_run: !!o.dryRun,
      celery,
      results: results.map((r) => ({
        ticket_id: r.ticketId,
        status: r.status,
        reason: r.reason,
        db_update: r.dbUpdate,
        sent: r.sends,
        skipped: r.skipped,
      })),
    };
    const after = refused.length ? new ProblemFound(`${refused.length} ticket(s) refused`, true) : undefined;
    return { views: [view, { kind: 'summary', text }], json, after };
  },
});
