import type { QueueInfo } from '../../celery/list.js';
import type { Transport } from '../../celery/transport.js';
import { formatDuration } from '../../core/time-format.js';
import type { Column } from '../../core/view.js';
import type { FlowSample } from '../../monitor/flow.js';

export type Row = QueueInfo & { consumers: string[] | null; flow?: FlowSample; ready_delta?: number | null };

/** The `b64:` form of a queue name that is not plain UTF-8 (what parseQueueName reads). */
export function labelOf(q: QueueInfo): string {
  if (q.name_b64) return `b64:${q.name_b64}`;
  return q.name.startsWith('b64:') ? `b64:${Buffer.from(q.name).toString('base64')}` : q.name;
}

const rate = (n: number | null | undefined) => (n === null || n === undefined ? '' : n.toFixed(1));

export function listColumns(t: Transport, watching: boolean): Column<Row>[] {
  const overdue = (q: QueueInfo) => q.oldest_unacked_age !== null && q.oldest_unacked_age > t.visibilityTimeoutS;
  const idle = (q: Row) => q.consumers !== null && q.consumers.length === 0 && q.ready > 0;
  const flow: Column<Row>[] = [
    {
      header: 'CHANGE',
      value: (q) => (q.ready_delta == null ? '' : q.ready_delta > 0 ? `+${q.ready_delta}` : q.ready_delta),
      align: 'right',
    },
    { header: 'ENQ/S', value: (q) => rate(q.flow?.enqueue_rate_per_second), align: 'right' },
    { header: 'DEQ/S', value: (q) => rate(q.flow?.dequeue_rate_per_second), align: 'right' },
    {
      header: 'WAITING >=',
      value: (q) => (q.flow?.oldest_age_seconds == null ? '' : formatDuration(q.flow.oldest_age_seconds)),
      align: 'right',
      priority: 2,
      tone: (q) => (q.flow?.not_draining_seconds != null ? 'fail' : undefined),
    },
  ];
  return [
    { header: 'QUEUE', min: 12, value: (q) => q.name },
    { header: 'READY', value: (q) => q.ready, align: 'right' },
    ...t.prioritySteps.map((s): Column<Row> => ({
      header: `P${s}`,
      value: (q) => q.buckets[String(s)],
      align: 'right',
      priority: 3,
    })),
    ...(watching ? flow : []),
    { header: 'UNACKED', value: (q) => q.unacked, align: 'right', tone: (q) => (q.unacked ? 'warn' : undefined) },
    {
      header: 'OLDEST UNACKED',
      value: (q) => (q.oldest_unacked_age === null ? '' : formatDuration(q.oldest_unacked_age)),
      align: 'right',
      priority: 2,
      tone: (q) => (overdue(q) ? 'fail' : undefined),
    },
    {
      header: 'CONSUMERS',
      value: (q) => (q.consumers === null ? '' : q.consumers.length),
      align: 'right',
      priority: 2,
      tone: (q) => (idle(q) ? 'fail' : undefined),
    },
  ];
}

/** A row as JSON: snake_case, ages in seconds, the flow fields of a watch tick flattened in. */
export function rowJson({ oldest_unacked_age, flow, ...q }: Row): Record<string, unknown> {
  const out: Record<string, unknown> = { ...q, oldest_unacked_age_seconds: oldest_unacked_age };
  if (flow) {
    const { queue: _q, ready: _r, ...f } = flow;
    Object.assign(out, f);
  }
  return out;
}
