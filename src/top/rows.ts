import type { WorkerTask } from '../celery/control/task-info.js';
import type { Snapshot, WorkerRow } from './types.js';

/** A line of the Workers tab: a worker, or one of its active tasks under it. */
export type WorkerLine = { kind: 'worker'; worker: WorkerRow } | { kind: 'task'; worker: WorkerRow; task: WorkerTask };

export function workerLines(snap: Snapshot): WorkerLine[] {
  return snap.workers.flatMap((w): WorkerLine[] => [
    { kind: 'worker', worker: w },
    ...w.active.map((task) => ({ kind: 'task' as const, worker: w, task })),
  ]);
}

/** Whether a running task counts as hung: running longer than the threshold. */
export const isHung = (t: WorkerTask, hungAfterS: number) => t.runningS !== null && t.runningS >= hungAfterS;

const BARS = '▁▂▃▄▅▆▇█';

/** Depth history as a sparkline, scaled to its own maximum; `·` where the queue was empty. */
export function sparkline(values: readonly number[], width: number): string {
  const v = values.slice(-width);
  const max = Math.max(...v, 0);
  return v.map((n) => (n <= 0 || max === 0 ? '·' : BARS[Math.min(7, Math.floor((n / max) * 7.999))])).join('');
}
