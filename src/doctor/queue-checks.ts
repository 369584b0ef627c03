import type { QueueInfo } from '../celery/list.js';
import type { Transport } from '../celery/transport.js';
import { formatDuration } from '../core/time-format.js';
import { check, type CheckResult } from './check.js';
import { hasLimit, limitFor, type Limit, type Thresholds } from './thresholds.js';

const few = (items: string[]) => items.slice(0, 5).join(', ') + (items.length > 5 ? `, ${items.length - 5} more` : '');

/** Totals; unacked older than the visibility timeout are orphans (left by a dead worker): warn. */
export function backlogCheck(queues: readonly QueueInfo[], t: Transport): CheckResult {
  const ages = queues.map((q) => q.oldest_unacked_age).filter((a): a is number => a !== null);
  const b = {
    queues: queues.length,
    ready: queues.reduce((n, q) => n + q.ready, 0),
    unacked: queues.reduce((n, q) => n + q.unacked, 0),
    oldest_unacked_age: ages.length ? Math.max(...ages) : null,
  };
  const oldest = b.oldest_unacked_age !== null ? ` (oldest ${b.oldest_unacked_age}s)` : '';
  const detail = `${b.ready} ready in ${b.queues} queue(s), ${b.unacked} unacked${oldest}`;
  if (b.oldest_unacked_age !== null && b.oldest_unacked_age > t.visibilityTimeoutS) {
    const why = 'older than the visibility timeout, probably left by a dead worker (loonctl queue requeue --unacked)';
    return check('celery backlog', 'warn', `${detail}: ${why}`, b);
  }
  return check('celery backlog', 'ok', detail, b);
}

interface Measured {
  queue: string;
  value: number | null;
}

/** One threshold over every queue: fail the ones above their limit, else ok naming the largest. */
function thresholdCheck(
  name: string,
  flag: string,
  rows: Measured[],
  limit: Limit,
  show: (n: number) => string,
  keys: [value: string, limit: string],
): CheckResult {
  const judged = rows.map((r) => ({ queue: r.queue, [keys[0]]: r.value, [keys[1]]: limitFor(limit, r.queue) }));
  const data = { queues: judged };
  const over = rows.filter((r) => {
    const l = limitFor(limit, r.queue);
    return r.value !== null && l !== null && r.value > l;
  });
  if (over.length) {
    const what = over.map((r) => `${r.queue} ${show(r.value!)} (max ${show(limitFor(limit, r.queue)!)})`);
    return check(name, 'fail', `over the limit: ${few(what)}`, data);
  }
  const top = rows.filter((r) => r.value !== null).sort((a, b) => b.value! - a.value!)[0];
  const none = hasLimit(limit) ? '' : ` (no ${flag} set)`;
  if (!top) return check(name, 'ok', `none${none}`, data);
  return check(name, 'ok', `highest ${top.queue} ${show(top.value!)}${none}`, data);
}

/** Ready messages per queue against --max-ready and --queue-max-ready. */
export function queueReadyCheck(queues: readonly QueueInfo[], th: Thresholds): CheckResult {
  const rows = queues.map((q) => ({ queue: q.name, value: q.ready }));
  return thresholdCheck('queue ready', '--max-ready', rows, th.maxReady, (n) => `${n} ready`, ['ready', 'max_ready']);
}

/** The oldest unacked message per queue against --max-unacked-age and --queue-max-unacked-age. */
export function unackedAgeCheck(queues: readonly QueueInfo[], th: Thresholds): CheckResult {
  const rows = queues.map((q) => ({ queue: q.name, value: q.oldest_unacked_age }));
  const show = (s: number) => `unacked for ${formatDuration(s)}`;
  return thresholdCheck('unacked age', '--max-unacked-age', rows, th.maxUnackedAgeS, show, [
    'oldest_unacked_seconds',
    'max_seconds',
  ]);
}
