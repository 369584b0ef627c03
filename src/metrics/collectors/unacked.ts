import type { Redis } from 'ioredis';
import type { Census } from '../../celery/control/census.js';
import { classifyUnacked, type UnackedRef } from '../../celery/control/orphans.js';
import { decode } from '../../celery/decode.js';
import { readUnacked } from '../../celery/read.js';
import type { Transport } from '../../celery/transport.js';
import { FamilySet } from '../families.js';
import type { EtaTally } from './eta.js';

/** A routing key as a queue label; an entry without one is counted under the empty name. */
const queueOf = (q: string | null) => q ?? '';

/**
 * kombu's `unacked` hash: taken by a worker, not yet acknowledged (running, prefetched, waiting for an
 * ETA, or left by a dead worker). Per queue: count, oldest delivery age, ETA messages; with a census,
 * held by a live worker vs orphaned.
 */
export async function unackedFamilies(
  broker: Redis,
  t: Transport,
  now: number,
  census: Census | undefined,
  eta: EtaTally,
): Promise<FamilySet> {
  const refs: UnackedRef[] = [];
  for await (const u of readUnacked(broker, t)) {
    const m = u.payload ? await decode(u.payload) : null;
    const queue = queueOf(u.routingKey);
    refs.push({ tag: u.tag, id: m?.id ?? null, task: m?.task ?? null, queue, since: u.since });
    if (m?.eta) eta.add('unacked', queue, m.eta, u.since ?? now, 1);
  }
  const set = new FamilySet();
  const count = new Map<string, number>();
  const oldest = new Map<string, number>();
  for (const r of refs) {
    const q = queueOf(r.queue);
    count.set(q, (count.get(q) ?? 0) + 1);
    if (r.since !== null) oldest.set(q, Math.min(oldest.get(q) ?? Infinity, r.since));
  }
  const unacked = set.gauge(
    'loonctl_queue_unacked_messages',
    'Messages a worker took and has not acknowledged (kombu unacked hash), per routing key.',
  );
  for (const [q, n] of [...count.entries()].sort()) unacked.set({ queue: q }, n);
  const age = set.gauge(
    'loonctl_queue_oldest_unacked_age_seconds',
    'Seconds since a worker took the oldest unacked message of the queue (unacked_index score, Redis time).',
  );
  for (const [q, since] of [...oldest.entries()].sort()) age.set({ queue: q }, Math.max(0, now - since));
  if (census) {
    const c = classifyUnacked(refs, census, t.visibilityTimeoutS);
    const holding = set.gauge(
      'loonctl_queue_unacked_holding_messages',
      'Unacked messages by holder: held (a live worker lists it), orphaned (no live worker holds it), ' +
        'unknown (too recent or census not trusted). Present only when the worker census ran.',
    );
    const by = new Map<string, Record<string, number>>();
    for (const e of c.entries) {
      const q = queueOf(e.queue);
      const row = by.get(q) ?? { held: 0, orphaned: 0, unknown: 0 };
      row[e.status === 'orphan' ? 'orphaned' : e.status]++;
      by.set(q, row);
    }
    for (const [q, row] of [...by.entries()].sort())
      for (const [state, n] of Object.entries(row)) holding.set({ queue: q, state }, n);
  }
  return set;
}
