import type { TicketMessage } from '../../tickets/broker-scan.js';
import type { ClassifiedStep } from '../../tickets/classify.js';
import { formatDuration } from '../../core/time-format.js';
import { table, type View } from '../../core/view.js';

export function messagesView(messages: readonly TicketMessage[]): View {
  const where = (m: TicketMessage) =>
    m.where === 'ready' ? `ready #${m.position}` : m.where === 'running' ? 'running' : `unacked (${m.holding ?? '?'})`;
  return table(
    messages,
    [
      { header: 'TASK', min: 14, value: (m) => m.task },
      { header: 'ID', min: 9, value: (m) => m.id },
      { header: 'WHERE', value: where, tone: (m) => (m.holding === 'orphan' ? 'fail' : undefined) },
      { header: 'QUEUE', value: (m) => m.queue, priority: 3 },
      { header: 'HOLDER', value: (m) => m.holder ?? '-', priority: 2 },
      { header: 'ETA', value: (m) => m.eta ?? '-', priority: 2 },
      { header: 'ARGS', value: (m) => JSON.stringify(m.args), priority: 4 },
    ],
    { empty: 'no message references this ticket' },
  );
}

export function stepsView(steps: readonly ClassifiedStep[], nowMs: number): View {
  const tone = (c: ClassifiedStep) =>
    ['failed', 'lost', 'orphaned', 'duplicated'].includes(c.status) ? ('fail' as const) : ('ok' as const);
  const due = (c: ClassifiedStep) => (c.step.dueMs === undefined ? '-' : formatDuration((c.step.dueMs - nowMs) / 1000));
  return table(
    steps,
    [
      { header: 'STEP', min: 12, value: (c) => c.step.label },
      { header: 'STATUS', value: (c) => c.status, tone },
      { header: 'WHY', min: 12, value: (c) => c.why, priority: 2 },
      { header: 'DUE IN', value: due, priority: 3 },
      { header: 'FIX', value: (c) => c.fix ?? '-' },
    ],
    { empty: 'no automated step (not a script, hook or timer state)' },
  );
}
