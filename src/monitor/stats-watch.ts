import type { Redis } from 'ioredis';
import { queueStats, type QueueStats, statsOf, statsQueues, unackedStats } from '../celery/stats.js';
import { StatsTally } from '../celery/stats-tally.js';
import { queueLabel, type Transport } from '../celery/transport.js';
import { type FlowSample, memoryFlowStore, observeFlow } from './flow.js';
import { QueueMirror } from './mirror.js';

/** Beyond this many ready messages a watch samples each tick instead of mirroring every message. */
export const MIRROR_LIMIT = 500_000;

/** One tick of `queue stats --watch`: the counts, and what moved since the previous tick. */
export interface StatsTick extends QueueStats {
  tick: number;
  interval_seconds: number | null;
  ready_delta: number | null;
  enqueued: number | null;
  dequeued: number | null;
  enqueue_rate_per_second: number | null;
  dequeue_rate_per_second: number | null;
  /** The longest any queue's oldest ready message has been seen waiting (a lower bound). */
  oldest_age_seconds: number | null;
  not_draining_seconds: number | null;
  /** Messages whose bytes this tick brought over (new ones, or a bucket read whole). */
  fetched_messages: number;
  reread_buckets: number;
  flow: FlowSample[];
}

const sum = (xs: (number | null)[]) => {
  const known = xs.filter((x): x is number => x !== null);
  return known.length ? known.reduce((n, x) => n + x, 0) : null;
};
const max = (xs: (number | null)[]) => {
  const known = xs.filter((x): x is number => x !== null);
  return known.length ? Math.max(...known) : null;
};

/**
 * `queue stats --watch`: the first tick reads the queues, later ticks read only what was pushed since
 * and drop what was taken (QueueMirror), plus the broker-only flow (rates, oldest age, not draining).
 */
export class StatsWatcher {
  private readonly mirrors = new Map<string, QueueMirror>();
  private readonly store = memoryFlowStore();
  private ticks = 0;
  private lastReady: number | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly t: Transport,
    private readonly queue: Buffer | null,
  ) {}

  async tick(nowMs?: number): Promise<StatsTick> {
    const names = await statsQueues(this.redis, this.t, this.queue);
    const labels = names.map((n) => queueLabel(n));
    const flow = await observeFlow(this.redis, this.t, labels, this.store, nowMs);
    const ready = flow.reduce((n, f) => n + f.ready, 0);
    let stats: QueueStats;
    let fetched = 0;
    let reread = 0;
    if (ready > MIRROR_LIMIT) {
      this.mirrors.clear();
      stats = await queueStats(this.redis, this.t, this.queue);
      fetched = stats.sample?.messages ?? stats.ready;
    } else {
      const tally = new StatsTally();
      const keep = new Set<string>();
      for (const n of names) {
        const id = n.toString('latin1');
        keep.add(id);
        let m = this.mirrors.get(id);
        if (!m) this.mirrors.set(id, (m = new QueueMirror(this.redis, this.t, n)));
        const r = await m.tick();
        fetched += r.fetched;
        reread += r.reread;
        tally.addAll(m.tally);
      }
      for (const id of [...this.mirrors].map(([k]) => k)) if (!keep.has(id)) this.mirrors.delete(id);
      const [s, us] = await this.redis.time();
      const now = Number(s) + Number(us) / 1e6;
      const queues = names.map((n) => n.toString('utf8')).sort();
      stats = statsOf(tally, queues, now, await unackedStats(this.redis, this.t, queues, now), null);
    }
    const first = this.ticks === 0;
    const tick: StatsTick = {
      ...stats,
      tick: ++this.ticks,
      interval_seconds: first ? null : max(flow.map((f) => f.interval_seconds)),
      ready_delta: this.lastReady === null ? null : stats.ready - this.lastReady,
      enqueued: first ? null : sum(flow.map((f) => f.enqueued)),
      dequeued: first ? null : sum(flow.map((f) => f.dequeued)),
      enqueue_rate_per_second: first ? null : sum(flow.map((f) => f.enqueue_rate_per_second)),
      dequeue_rate_per_second: first ? null : sum(flow.map((f) => f.dequeue_rate_per_second)),
      oldest_age_seconds: max(flow.map((f) => f.oldest_age_seconds)),
      not_draining_seconds: max(flow.map((f) => f.not_draining_seconds)),
      fetched_messages: fetched,
      reread_buckets: reread,
      flow,
    };
    this.lastReady = stats.ready;
    return tick;
  }
}
