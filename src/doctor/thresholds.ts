import { UsageError } from '../core/errors.js';
import { MAX_DURATION_MS, parseDuration, parseIntOption } from '../core/parse.js';

/** One threshold: everywhere, and per queue (`null`: off for that queue). */
export interface Limit {
  all: number | null;
  queues: Map<string, number | null>;
}

/** What doctor fails on. Ages in seconds. */
export interface Thresholds {
  maxReady: Limit;
  maxOldestS: Limit;
  maxUnackedAgeS: Limit;
  notDrainingAfterS: number;
}

/** The limit that applies to a queue: its own override, else the global one; null when none. */
export function limitFor(l: Limit, queue: string): number | null {
  return l.queues.has(queue) ? l.queues.get(queue)! : l.all;
}

/** Whether any queue has a limit (the check reports "no limit set" otherwise). */
export function hasLimit(l: Limit): boolean {
  return l.all !== null || [...l.queues.values()].some((v) => v !== null);
}

/**
 * `QUEUE=VALUE` items of a per-queue option (`reports=50000`, `reports=2h`, `reports=off`). The last `=`
 * splits, so a queue name may itself hold one; a later item for the same queue wins.
 */
export function queueLimits(
  items: readonly string[] | undefined,
  flag: string,
  kind: 'int' | 'duration',
): Limit['queues'] {
  const out = new Map<string, number | null>();
  for (const item of items ?? []) {
    const at = item.lastIndexOf('=');
    const queue = at > 0 ? item.slice(0, at) : '';
    const value = item.slice(at + 1).trim();
    if (!queue || !value)
      throw new UsageError(
        `${flag}: '${item}' is not QUEUE=VALUE`,
        `e.g. ${flag} reports=${kind === 'int' ? '50000' : '2h'}`,
      );
    if (value === 'off') out.set(queue, null);
    else
      out.set(
        queue,
        kind === 'int'
          ? parseIntOption(value, `${flag} ${queue}`)
          : parseDuration(value, `${flag} ${queue}`, MAX_DURATION_MS) / 1000,
      );
  }
  return out;
}

export interface ThresholdInput {
  maxReady?: number;
  maxOldestMs?: number;
  maxUnackedAgeMs?: number;
  queueMaxReady?: readonly string[];
  queueMaxOldest?: readonly string[];
  queueMaxUnackedAge?: readonly string[];
  notDrainingAfterMs: number;
}

export function makeThresholds(o: ThresholdInput): Thresholds {
  const s = (ms: number | undefined) => (ms === undefined ? null : ms / 1000);
  return {
    maxReady: { all: o.maxReady ?? null, queues: queueLimits(o.queueMaxReady, '--queue-max-ready', 'int') },
    maxOldestS: { all: s(o.maxOldestMs), queues: queueLimits(o.queueMaxOldest, '--queue-max-oldest', 'duration') },
    maxUnackedAgeS: {
      all: s(o.maxUnackedAgeMs),
      queues: queueLimits(o.queueMaxUnackedAge, '--queue-max-unacked-age', 'duration'),
    },
    notDrainingAfterS: o.notDrainingAfterMs / 1000,
  };
}
