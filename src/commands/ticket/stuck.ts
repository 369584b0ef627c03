import { ProblemFound } from '../../core/errors.js';
import { formatDuration } from '../../core/time-format.js';
import { table } from '../../core/view.js';
import { defineCommand } from '../spec.js';
import { TICKET_OPTIONS, ticketSources, warnCensus, type TicketInput } from './shared.js';
import { stepJson, ticketJson } from './json.js';

interface Input extends TicketInput {
  since?: number;
  workflow?: string;
  tenant?: string;
}

export const ticketStuck = defineCommand<Input>({
  path: ['ticket', 'stuck'],
  summary:
    'tickets whose automated step failed, was lost, is orphaned or duplicated, each with the command that fixes it',
  options: [
    { name: 'since', type: 'duration', max: '366d', description: 'only tickets changed within this long' },
    { name: 'workflow', type: 'string', placeholder: 'id', description: 'only tickets of this workflow' },
    { name: 'tenant', type: 'string', placeholder: 'id', description: 'LoonFlow 3.x: only tickets of this tenant' },
    ...TICKET_OPTIONS,
  ],
  examples: [
    'loonctl ticket stuck',
    'loonctl ticket stuck --since 2d --workflow 3',
    "loonctl ticket stuck --json | jq -r '.[].steps[].fix'",
  ],
  async run(ctx, o) {
    const [{ sources, takeCensus }, { stuckTickets }] = await Promise.all([
      ticketSources(ctx, o),
      import('../../tickets/load.js'),
    ]);
    const census = await takeCensus();
    warnCensus(ctx, census);
    const s = { ...sources, census };
    const sinceMs = o.since === undefined ? undefined : s.nowMs - o.since;
    const stuck = await stuckTickets(s, { workflow: o.workflow, tenant: o.tenant, sinceMs });
    const rows = stuck.flatMap((r) => r.steps.map((c) => ({ t: r.ticket, c })));
    const counts = new Map<string, number>();
    for (const { c } of rows) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
    const summary = rows.length
      ? `${stuck.length} stuck ticket(s): ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`
      : 'no stuck ticket';
    const now = s.nowMs;
    const view = table(
      rows,
      [
        { header: 'TICKET', min: 6, value: (r) => r.t.id },
        { header: 'STEP', min: 10, value: (r) => r.c.step.label },
        { header: 'STATUS', value: (r) => r.c.status, tone: () => 'fail' },
        { header: 'CHANGED', priority: 3, value: (r) => (r.t.modifiedMs === null ? '-' : age(now, r.t.modifiedMs)) },
        { header: 'WHY', min: 10, priority: 2, value: (r) => r.c.why },
        { header: 'FIX', value: (r) => r.c.fix ?? '-' },
      ],
      { empty: 'no stuck ticket' },
    );
    const json = stuck.map((r) => ({ ticket: ticketJson(r.ticket, now), steps: r.steps.map(stepJson) }));
    return {
      views: [view, { kind: 'summary', text: summary, tone: rows.length ? 'fail' : 'ok' }],
      json,
      after: rows.length ? new ProblemFound(summary, true) : undefined,
    };
  },
});

function age(now: number, ms: number): string {
  return `${formatDuration((now - ms) / 1000)} ago`;
}
