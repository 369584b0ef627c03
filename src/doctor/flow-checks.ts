import type { FlowSample } from '../monitor/flow.js';
import { formatDuration } from '../core/time-format.js';
import { check, type CheckResult } from './check.js';
import { hasLimit, limitFor, type Thresholds } from './thresholds.js';

const list = (items: string[]) => items.slice(0, 5).join(', ') + (items.length > 5 ? `, ${items.length - 5} more` : '');

/**
 * The oldest ready message's age per queue, inferred between doctor runs (the first time a message now
 * at the tail was seen: a lower bound, never more than the truth). Fails a queue over --max-oldest.
 */
export function oldestReadyCheck(samples: readonly FlowSample[], th: Thresholds): CheckResult {
  const name = 'oldest ready';
  const rows = samples
    .filter((s) => s.ready > 0)
    .map((s) => ({
      queue: s.queue,
      age_seconds: s.oldest_age_seconds,
      limit_seconds: limitFor(th.maxOldestS, s.queue),
    }));
  const data = { exact: false, queues: rows };
  const over = rows.filter(
    (r) => r.age_seconds !== null && r.limit_seconds !== null && r.age_seconds > r.limit_seconds,
  );
  if (over.length) {
    const what = over.map(
      (r) => `${r.queue} >= ${formatDuration(r.age_seconds!)} (max ${formatDuration(r.limit_seconds!)})`,
    );
    return check(name, 'fail', `oldest ready message waited ${list(what)} (a lower bound)`, data);
  }
  const known = rows.filter((r) => r.age_seconds !== null);
  if (rows.length && !known.length) {
    return check(name, 'unknown', 'first observation: ages are known from the next run', data);
  }
  const oldest = known.sort((a, b) => b.age_seconds! - a.age_seconds!)[0];
  const limit = hasLimit(th.maxOldestS) ? '' : ' (no --max-oldest set)';
  if (!oldest) return check(name, 'ok', `no ready messages${limit}`, data);
  return check(name, 'ok', `oldest in ${oldest.queue} waited >= ${formatDuration(oldest.age_seconds!)}${limit}`, data);
}

/** A queue with a backlog from which nothing was consumed for --not-draining-after (default 10m): fail. */
export function notDrainingCheck(samples: readonly FlowSample[], th: Thresholds): CheckResult {
  const name = 'not draining';
  const after = th.notDrainingAfterS;
  const backlog = samples.filter((s) => s.ready > 0);
  const rows = backlog.map((s) => ({
    queue: s.queue,
    ready: s.ready,
    not_draining_seconds: s.not_draining_seconds,
    last_dequeue_at: s.last_dequeue_at,
  }));
  const data = { after_seconds: after, queues: rows };
  const stuck = rows.filter((r) => r.not_draining_seconds !== null && r.not_draining_seconds >= after);
  if (stuck.length) {
    const what = stuck.map(
      (r) => `${r.queue} (${r.ready} ready, none consumed for ${formatDuration(r.not_draining_seconds!)})`,
    );
    return check(name, 'fail', `${list(what)}: not draining`, data);
  }
  if (backlog.length && backlog.every((s) => s.interval_seconds === null)) {
    return check(name, 'unknown', 'first observation: draining is judged from the next run', data);
  }
  if (!backlog.length) return check(name, 'ok', 'no backlog', data);
  return check(name, 'ok', `every queue with a backlog was consumed from within ${formatDuration(after)}`, data);
}
