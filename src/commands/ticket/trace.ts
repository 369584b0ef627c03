import { NotFoundError } from '../../core/errors.js';
import { formatDuration } from '../../core/time-format.js';
import { defineCommand } from '../spec.js';
import { TICKET_OPTIONS, ticketSources, warnCensus, type TicketInput } from './shared.js';
import { messageJson, stepJson, ticketJson } from './json.js';
import { messagesView, stepsView } from './views.js';

export const ticketTrace = defineCommand<TicketInput & { id: string }>({
  path: ['ticket', 'trace'],
  summary: "a ticket's row and every message about it in the broker (queued, unacked held or orphaned, ETA, running)",
  args: [{ name: 'id', required: true, description: 'ticket id (2.x integer, 3.x UUID)' }],
  options: TICKET_OPTIONS,
  examples: ['loonctl ticket trace 4711', 'loonctl ticket trace 4711 --json | jq .messages'],
  async run(ctx, o) {
    const [{ sources, takeCensus }, { reportTickets }, { ticketMessages }, { argKey }] = await Promise.all([
      ticketSources(ctx, o),
      import('../../tickets/load.js'),
      import('../../tickets/broker-scan.js'),
      import('../../tickets/ticket-ref.js'),
    ]);
    const census = await takeCensus();
    warnCensus(ctx, census);
    const s = { ...sources, census };
    const [report] = await reportTickets(s, { ids: [o.id] });
    const now = s.nowMs;
    if (!report) {
      const key = argKey(o.id);
      const messages = key === null ? [] : await ticketMessages(s.broker, s.transport, s.line, new Set([key]), census);
      if (messages.length === 0) throw new NotFoundError(`no ticket ${o.id} in the database and no message about it`);
      ctx.out.warn(`no ticket ${o.id} in the database; ${messages.length} message(s) still name it`);
      return {
        views: [messagesView(messages)],
        json: { ticket: null, steps: [], messages: messages.map(messageJson) },
      };
    }
    const t = report.ticket;
    const age = (ms: number | null) => (ms === null ? '-' : `${formatDuration((now - ms) / 1000)} ago`);
    const fields: Record<string, unknown> = {
      id: t.id,
      line: t.line,
      title: t.title || '-',
      workflow: t.workflowId,
      ...(t.tenantId ? { tenant: t.tenantId } : {}),
      'act state': `${t.actState}${t.ongoing ? ' (in progress)' : ''}`,
      [t.line === '3.x' ? 'active nodes' : 'state']: t.state || '-',
      'participant type': t.participantType || '-',
      ...(t.line === '2.x'
        ? { participant: t.participant || '-', script_run_last_result: t.lastResult ? 1 : 0 }
        : { 'hook status': t.hookStatus.map((h) => h ?? 'NULL').join(',') || '-' }),
      created: age(t.createdMs),
      modified: age(t.modifiedMs),
    };
    const json = {
      ticket: ticketJson(t, now),
      steps: report.steps.map(stepJson),
      messages: report.messages.map(messageJson),
      workers: census.workers.map((w) => w.hostname),
    };
    return {
      views: [
        { kind: 'record', fields },
        { kind: 'heading', text: 'automated steps' },
        stepsView(report.steps, now),
        { kind: 'heading', text: 'messages' },
        messagesView(report.messages),
      ],
      json,
    };
  },
});
