// Snapshots of `loonctl top` built from real kombu envelopes, for the model, screen and component tests.
import { decodeMessage } from '../../src/celery/envelope.js';
import type { WorkerTask } from '../../src/celery/control/task-info.js';
import type { MessageRow, QueueRow, Snapshot, UnackedRow } from '../../src/top/types.js';
import { envelope } from './kombu.js';

export function queueRow(name: string, ready: number, o: Partial<QueueRow> = {}): QueueRow {
  return {
    name,
    buckets: [
      { step: 0, length: ready },
      { step: 3, length: 0 },
      { step: 6, length: 0 },
      { step: 9, length: 0 },
    ],
    ready,
    held: 0,
    orphaned: 0,
    inRate: 1.5,
    outRate: 0.5,
    oldestAge: 42,
    notDraining: null,
    consumers: [],
    history: [1, 2, ready],
    ...o,
  };
}

export function messageRow(
  position: number,
  id: string,
  task = 'tasks.flow_hook_task',
  args: unknown[] = [],
): MessageRow {
  return { position, bucket: 0, fromTail: position, message: decodeMessage(envelope({ id, task, args })) };
}

export function activeTask(id: string, runningS: number): WorkerTask {
  return {
    id,
    name: 'tasks.run_flow_task',
    args: [1],
    kwargs: {},
    hostname: 'w1@host',
    timeStart: 1000 - runningS,
    runningS,
    acknowledged: false,
    queue: 'loonflow',
    priority: 0,
    redelivered: false,
    workerPid: 1,
    eta: null,
  };
}

export function snapshot(o: Partial<Snapshot> = {}): Snapshot {
  const orphan: UnackedRow = {
    tag: 'tag-1',
    queue: 'loonflow',
    since: 0,
    age: 4000,
    status: 'orphan',
    holder: null,
    eta: null,
    message: decodeMessage(envelope({ id: 'orphan-1', task: 'tasks.send_ticket_notice' })),
  };
  return {
    now: 1000,
    queues: [queueRow('loonflow', 3, { orphaned: 1 }), queueRow('loonflow-slow', 12)],
    messages: {
      queue: 'loonflow',
      total: 3,
      offset: 0,
      rows: [messageRow(0, 'id-a', 'tasks.flow_hook_task', [101]), messageRow(1, 'id-b', 'tasks.run_flow_task', [102])],
      scanned: null,
      matched: null,
    },
    unacked: { total: 1, rows: [orphan], partial: false, rule: 'census', distrust: [] },
    workers: [
      {
        hostname: 'w1@host',
        concurrency: 1,
        queues: ['loonflow'],
        processed: 7,
        reserved: 0,
        scheduled: 0,
        active: [activeTask('slow-1', 4000)],
      },
    ],
    silentWorkers: [],
    locks: [
      {
        name: 'nightly',
        kind: 'loonctl',
        pttl: 30_000,
        fence: '7',
        holder: 'host pid 1',
        token: 'ab',
        source: 'redis',
      },
    ],
    serials: null,
    errors: [],
    ...o,
  };
}

export const INFO = {
  title: 'loonctl top  redis://127.0.0.1:6379/1',
  intervalS: 2,
  hungAfterS: 600,
  visibilityTimeoutS: 3600,
};
