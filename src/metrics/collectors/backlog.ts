import type { Redis } from 'ioredis';
import { decode } from '../../celery/decode.js';
import { FamilySet } from '../families.js';
import { SAMPLE_TASKS } from '../sample-script.js';
import type { EtaTally } from './eta.js';
import type { QueueDepth } from './queues.js';

export const OTHER_TASKS = 'other';
const GROUP = 25;

interface QueueBacklog {
  label: string;
  exact: boolean;
  read: number;
  byTask: Map<string, number>;
}

/**
 * How many messages to read from each queue: the read budget is shared out from the smallest queue up, so
 * a queue within its share (and `exactLimit`) is read whole, and larger ones get an equal share of what is
 * left, at least one message. Work per collection stays about `budget` messages however large the backlog.
 */
export function shareBudget(ready: readonly number[], budget: number, exactLimit: number): number[] {
  const order = ready.map((n, i) => ({ n, i })).sort((a, b) => a.n - b.n);
  const out = new Array<number>(ready.length).fill(0);
  let left = budget;
  order.forEach(({ n, i }, k) => {
    const share = Math.floor(left / (order.length - k));
    out[i] = n <= Math.min(share, exactLimit) ? n : Math.max(1, Math.min(share, exactLimit, n));
    left = Math.max(0, left - out[i]);
  });
  return out;
}

/**
 * What to read from each bucket: all of a queue read whole; else `size` messages shared by bucket size, one
 * random position in each of as many equal strata (evenly spaced positions would alias with producers that
 * send tasks in a fixed rotation).
 */
function plan(q: QueueDepth, size: number, random: () => number): string[] {
  if (size >= q.ready) return q.buckets.map(() => 'all');
  return q.buckets.map((b) => {
    const n = b.length ? Math.min(b.length, Math.max(1, Math.round((size * b.length) / q.ready))) : 0;
    const at: number[] = [];
    for (let j = 0; j < n; j++) at.push(Math.floor(((j + random()) * b.length) / n));
    return at.join(',');
  });
}

/** Reads a group of queues in one script call (one round trip), and counts each queue by task. */
async function sampleGroup(
  broker: Redis,
  group: readonly { q: QueueDepth; size: number }[],
  o: { now: number; random?: () => number },
  eta: EtaTally,
): Promise<QueueBacklog[]> {
  const keys = group.flatMap(({ q }) => q.buckets.map((b) => b.key));
  const args = group.flatMap(({ q, size }) => plan(q, size, o.random ?? Math.random));
  type Reply = [number, number, (Buffer | number)[], Buffer[], Buffer[]];
  const replies = (await SAMPLE_TASKS.runBuffer(broker, keys, args)) as Reply[];
  const owner: number[] = group.flatMap(({ q }, i) => q.buckets.map(() => i));
  const out = group.map(({ q }) => ({ label: q.label, exact: true, read: 0, byTask: new Map<string, number>() }));
  for (const [k, [length, read, counts, etas, raws]] of replies.entries()) {
    const w = read ? length / read : 0;
    const r = out[owner[k]];
    if (w !== 0 && w !== 1) r.exact = false;
    r.read += read;
    const count = (task: string, n: number) => r.byTask.set(task, (r.byTask.get(task) ?? 0) + n * w);
    for (let i = 0; i < counts.length; i += 2) count((counts[i] as Buffer).toString('utf8'), Number(counts[i + 1]));
    for (const e of etas) eta.add('ready', r.label, e.toString('utf8'), o.now, w);
    for (const raw of raws) {
      const m = await decode(raw);
      count(m.task ?? '?', 1);
      if (m.eta) eta.add('ready', r.label, m.eta, o.now, w);
    }
  }
  return out;
}

/**
 * Ready messages per task name: exact for a queue read whole (up to `exactLimit` messages, within its share
 * of `readBudget`), estimated from a stratified random sample beyond (a gauge says which). Task names
 * beyond the `maxTasks` most frequent are summed under `other`, so the label set stays bounded whatever
 * producers send.
 */
export async function backlogFamilies(
  broker: Redis,
  queues: readonly QueueDepth[],
  o: { exactLimit: number; readBudget: number; maxTasks: number; now: number },
  eta: EtaTally,
): Promise<FamilySet> {
  const results: QueueBacklog[] = [];
  const nonEmpty = queues.filter((q) => q.ready > 0);
  const sizes = shareBudget(
    nonEmpty.map((q) => q.ready),
    o.readBudget,
    o.exactLimit,
  );
  const busy = nonEmpty.map((q, i) => ({ q, size: sizes[i] }));
  // A few queues per script call: few round trips, and Redis is never blocked for long by one call.
  for (let i = 0; i < busy.length; i += GROUP)
    results.push(...(await sampleGroup(broker, busy.slice(i, i + GROUP), o, eta)));
  const totals = new Map<string, number>();
  for (const r of results) for (const [task, n] of r.byTask) totals.set(task, (totals.get(task) ?? 0) + n);
  const kept = new Set(
    [...totals.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, o.maxTasks)
      .map(([task]) => task),
  );
  const set = new FamilySet();
  const tasks = set.gauge(
    'loonctl_queue_task_ready_messages',
    `Ready messages per task name (exact or estimated: see loonctl_queue_task_ready_exact); ` +
      `names beyond the ${o.maxTasks} most frequent are summed as task="${OTHER_TASKS}".`,
  );
  const exact = set.gauge(
    'loonctl_queue_task_ready_exact',
    '1 when loonctl_queue_task_ready_messages of the queue counts every message, 0 when it is estimated from a sample.',
  );
  const sampled = set.gauge(
    'loonctl_queue_task_ready_read_messages',
    'Messages read (inside Redis, task name and ETA only) to count the queue by task.',
  );
  for (const r of results) {
    const by = new Map<string, number>();
    for (const [task, n] of r.byTask) {
      const label = kept.has(task) ? task : OTHER_TASKS;
      by.set(label, (by.get(label) ?? 0) + n);
    }
    for (const [task, n] of [...by.entries()].sort()) tasks.set({ queue: r.label, task }, Math.round(n));
    exact.set({ queue: r.label }, r.exact ? 1 : 0);
    sampled.set({ queue: r.label }, r.read);
  }
  return set;
}
