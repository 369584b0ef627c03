import type { Redis } from 'ioredis';
import { bucketKeys, parseQueueName, queueLabel, type Transport } from '../celery/transport.js';
import { align, type Movement } from './flow-align.js';
import { nextCohorts, oldestSeen } from './flow-cohorts.js';
import { type BucketProbe, probeBuckets, SEARCH, WINDOW } from './flow-probe.js';
import type { BucketState, FlowState, FlowStore, QueueFlowState } from './flow-store.js';

export { fileFlowStore, memoryFlowStore, redisFlowStore } from './flow-store.js';
export type { BucketState, FlowState, FlowStore, QueueFlowState } from './flow-store.js';

/** One queue between two looks, from the broker alone (no worker events). */
export interface FlowSample {
  /** Logical queue name (all priority buckets summed). */
  queue: string;
  /** LLEN summed over buckets now. */
  ready: number;
  /** Since the previous observation (null on the first). */
  interval_seconds: number | null;
  /** Messages LPUSHed since the previous observation (a lower bound when `exact` is false). */
  enqueued: number | null;
  /** Messages taken from the tail since the previous observation (a lower bound when `exact` is false). */
  dequeued: number | null;
  enqueue_rate_per_second: number | null;
  dequeue_rate_per_second: number | null;
  /** How long the oldest ready message has been seen waiting: a LOWER BOUND; null on the first look or empty. */
  oldest_age_seconds: number | null;
  oldest_age_exact: boolean;
  /** ISO time of the look that last saw a dequeue. */
  last_dequeue_at: string | null;
  /** Backlog > 0 and no dequeue for this long (null when draining or empty). */
  not_draining_seconds: number | null;
  /** Messages pushed back at the tail (kombu restore, requeue); not counted in `enqueued`. */
  restored: number | null;
  /** Messages gone from the middle of a list (a filtered purge or move). */
  removed: number | null;
  /** False when enqueued/dequeued are lower bounds (too much traffic between looks, identical messages). */
  exact: boolean;
  /** Why not exact: first (no previous look), tail_lost, ambiguous, inconsistent; null when exact. */
  note: string | null;
}

/** State of queues not looked at for this long is dropped (a deleted queue). */
const STALE_MS = 86_400_000;

interface Observed {
  sample: FlowSample;
  state: QueueFlowState;
}

function sumMovements(ms: Movement[]): Movement {
  const notes = ms.map((m) => m.note).filter((n) => n !== null);
  return {
    enqueued: ms.reduce((n, m) => n + m.enqueued, 0),
    dequeued: ms.reduce((n, m) => n + m.dequeued, 0),
    restored: ms.reduce((n, m) => n + m.restored, 0),
    removed: ms.reduce((n, m) => n + m.removed, 0),
    exact: ms.every((m) => m.exact),
    note: notes[0] ?? null,
  };
}

function observeQueue(
  label: string,
  prev: QueueFlowState | undefined,
  probes: { step: number; probe: BucketProbe }[],
  now: number,
): Observed {
  const buckets: Record<string, BucketState> = {};
  const moves: Movement[] = [];
  for (const { step, probe } of probes) {
    const old = prev?.buckets[String(step)];
    // Unchanged ends: the previous windows stand (the probe did not read them again).
    const ends =
      probe.unchanged && old
        ? { length: probe.length, tail: old.tail, head: old.head }
        : { length: probe.length, tail: probe.tail, head: probe.head };
    let cohorts = probe.length > 0 ? ([[now, probe.length]] as BucketState['cohorts']) : [];
    if (old) {
      const m = align(old, ends, probe.found, WINDOW + SEARCH);
      moves.push(m);
      cohorts = nextCohorts(old.cohorts, m, probe.length, now);
    }
    buckets[String(step)] = { ...ends, cohorts };
  }
  const ready = probes.reduce((n, p) => n + p.probe.length, 0);
  const interval = prev && now > prev.at ? (now - prev.at) / 1000 : null;
  const m = prev ? sumMovements(moves) : null;
  const lastDequeue = m && m.dequeued > 0 ? now : (prev?.last_dequeue_at ?? null);
  const seen = Object.values(buckets)
    .map((b) => oldestSeen(b.cohorts))
    .filter((t): t is number => t !== null);
  const oldest = seen.length > 0 ? Math.min(...seen) : null;
  const rate = (n: number | undefined) => (interval === null || n === undefined ? null : n / interval);
  const stalled = interval !== null && m !== null && m.dequeued === 0 && ready > 0 && oldest !== null;
  const sample: FlowSample = {
    queue: label,
    ready,
    interval_seconds: interval,
    enqueued: m ? m.enqueued : null,
    dequeued: m ? m.dequeued : null,
    enqueue_rate_per_second: rate(m?.enqueued),
    dequeue_rate_per_second: rate(m?.dequeued),
    oldest_age_seconds: prev && oldest !== null ? Math.max(0, now - oldest) / 1000 : null,
    oldest_age_exact: false,
    last_dequeue_at: lastDequeue === null ? null : new Date(lastDequeue).toISOString(),
    not_draining_seconds: stalled ? Math.max(0, now - Math.max(oldest, lastDequeue ?? oldest)) / 1000 : null,
    restored: m ? m.restored : null,
    removed: m ? m.removed : null,
    exact: m ? m.exact : false,
    note: m ? m.note : 'first',
  };
  return { sample, state: { at: now, buckets, last_dequeue_at: lastDequeue } };
}

/**
 * Looks at the given queues once and compares with the previous look kept in `store`: lengths and a few
 * fingerprints at each end of every priority bucket (one script call, O(queues x buckets) plus the
 * messages pushed since the last look), never the backlog. `now` is unix milliseconds (default: Redis's
 * clock, so looks from several hosts agree).
 */
export async function observeFlow(
  redis: Redis,
  t: Transport,
  queues: readonly string[],
  store: FlowStore,
  now?: number,
): Promise<FlowSample[]> {
  const state: FlowState = (await store.load()) ?? { version: 1, queues: {} };
  const names = queues.map((q) => {
    const bytes = parseQueueName(q);
    return { label: queueLabel(bytes), buckets: bucketKeys(t, bytes) };
  });
  const flat = names.flatMap((n) => n.buckets.map((b) => ({ ...b, label: n.label })));
  const before = flat.map((b) => state.queues[b.label]?.buckets[String(b.step)]);
  const [probes, at] = await Promise.all([
    probeBuckets(
      redis,
      flat.map((b) => b.key),
      before.map((b) => b?.head[0] ?? ''),
      { previous: before.map((b) => ({ length: b?.length ?? -1, tail: b?.tail[0] ?? '' })) },
    ),
    now === undefined ? redisMs(redis) : Promise.resolve(now),
  ]);
  const samples: FlowSample[] = [];
  let i = 0;
  for (const n of names) {
    const mine = n.buckets.map((b) => ({ step: b.step, probe: probes[i++] }));
    const o = observeQueue(n.label, state.queues[n.label], mine, at);
    state.queues[n.label] = o.state;
    samples.push(o.sample);
  }
  for (const [label, q] of Object.entries(state.queues)) if (q.at < at - STALE_MS) delete state.queues[label];
  await store.save(state);
  return samples;
}

async function redisMs(redis: Redis): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}
