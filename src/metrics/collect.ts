import { census as takeCensus, type Census } from '../celery/control/census.js';
import { redisNow } from '../celery/read.js';
import { backlogFamilies } from './collectors/backlog.js';
import { EtaTally } from './collectors/eta.js';
import { flowFamilies, type FlowTotals } from './collectors/flow.js';
import { lockFamilies } from './collectors/locks.js';
import { depthFamilies, readDepths, type QueueDepth } from './collectors/queues.js';
import { serialFamilies } from './collectors/serial.js';
import { unackedFamilies } from './collectors/unacked.js';
import { workerFamilies } from './collectors/workers.js';
import { FamilySet, type MetricFamily } from './families.js';
import type { MetricsOptions, MetricsSource } from './source.js';

/** Every collector by name, in the order the exposition lists them. */
export const COLLECTORS = ['queues', 'workers', 'unacked', 'backlog', 'eta', 'flow', 'locks', 'serial'] as const;
export type CollectorName = (typeof COLLECTORS)[number];

export interface Outcome {
  name: CollectorName;
  ok: boolean;
  seconds: number;
  error?: string;
}

/** State a long-running exporter keeps between collections. */
export interface CollectorState {
  collections: number;
  errors: number;
  flowTotals: FlowTotals | null;
}

export function newCollectorState(o: Pick<MetricsOptions, 'flowCounters'>): CollectorState {
  return { collections: 0, errors: 0, flowTotals: o.flowCounters ? new Map() : null };
}

export interface Collection {
  families: MetricFamily[];
  outcomes: Outcome[];
}

/**
 * One collection: every collector runs, each isolated (one that fails is reported by
 * loonctl_scrape_collector_success and leaves out only its own families). Work per collection is
 * bounded: LLEN per bucket, the unacked hash, about `readBudget` messages read inside Redis (task name
 * and ETA only), one census round, one SCAN of lock-like keys.
 */
export async function collect(src: MetricsSource, o: MetricsOptions, state: CollectorState): Promise<Collection> {
  const began = performance.now();
  const outcomes: Outcome[] = [];
  const sets = new Map<CollectorName, FamilySet>();
  const run = async <T>(name: CollectorName, fn: () => Promise<T>): Promise<T | undefined> => {
    const t0 = performance.now();
    try {
      const v = await fn();
      outcomes.push({ name, ok: true, seconds: (performance.now() - t0) / 1000 });
      return v;
    } catch (e) {
      outcomes.push({ name, ok: false, seconds: (performance.now() - t0) / 1000, error: (e as Error).message });
      return undefined;
    }
  };
  const keep = (name: CollectorName) => (s: FamilySet) => (sets.set(name, s), s);
  const nowP = src.broker().then(redisNow);
  nowP.catch(() => {});
  const [queues, census] = await Promise.all([
    run('queues', async () => {
      const q = await readDepths(await src.broker(), src.t);
      keep('queues')(depthFamilies(q));
      return q;
    }),
    o.workers ? run('workers', () => takeCensus0(src, o)) : Promise.resolve(undefined),
  ]);
  const now = await nowP.catch(() => Date.now() / 1000);
  sets.set('workers', workerFamilies(census, queues ?? []));
  const eta = new EtaTally(src.t.visibilityTimeoutS, now);
  const need = (q: QueueDepth[] | undefined) => {
    if (!q) throw new Error('queues unavailable');
    return q;
  };
  await Promise.all([
    run('unacked', async () => keep('unacked')(await unackedFamilies(await src.broker(), src.t, now, census, eta))),
    run('backlog', async () =>
      keep('backlog')(await backlogFamilies(await src.broker(), need(queues), { ...o, now }, eta)),
    ),
    o.flowStore
      ? run('flow', async () =>
          keep('flow')(await flowFamilies(await src.broker(), src.t, need(queues), o.flowStore!, state.flowTotals)),
        )
      : undefined,
    run('locks', async () => keep('locks')(await lockFamilies(await src.redis(), o.lockMatch, o.maxLocks, now))),
    run('serial', async () => keep('serial')(serialFamilies(src.serial ? await src.serial() : null))),
  ]);
  await run('eta', async () => {
    const broken = outcomes.filter((x) => !x.ok && (x.name === 'unacked' || x.name === 'backlog'));
    if (broken.length) throw new Error(`incomplete without ${broken.map((x) => x.name).join(' and ')}`);
    return Promise.resolve(keep('eta')(eta.families()));
  });
  state.collections++;
  state.errors += outcomes.filter((x) => !x.ok).length;
  const families = COLLECTORS.flatMap((n) => sets.get(n)?.families ?? []);
  families.push(...scrapeFamilies(outcomes, state, (performance.now() - began) / 1000));
  return { families, outcomes };
}

async function takeCensus0(src: MetricsSource, o: MetricsOptions): Promise<Census> {
  return takeCensus(await src.broker(), src.mailbox, { idleTimeoutMs: o.censusTimeoutMs });
}

function scrapeFamilies(outcomes: Outcome[], state: CollectorState, seconds: number): MetricFamily[] {
  const set = new FamilySet();
  const ok = set.gauge(
    'loonctl_scrape_collector_success',
    '1 when the collector succeeded in the latest collection, 0 when it failed (its families are then left out).',
  );
  const took = set.gauge('loonctl_scrape_collector_duration_seconds', 'Time one collector took.');
  for (const x of [...outcomes].sort((a, b) => COLLECTORS.indexOf(a.name) - COLLECTORS.indexOf(b.name))) {
    ok.set({ collector: x.name }, x.ok ? 1 : 0);
    took.set({ collector: x.name }, x.seconds);
  }
  set
    .gauge('loonctl_scrape_duration_seconds', 'Time the latest collection took, every collector included.')
    .set({}, seconds);
  set
    .counter('loonctl_scrape_errors_total', 'Collector failures since this loonctl process started.')
    .set({}, state.errors);
  set
    .counter(
      'loonctl_collections_total',
      'Collections made since this loonctl process started (cached scrapes share one).',
    )
    .set({}, state.collections);
  return set.families;
}
