import { FamilySet } from '../families.js';

type Where = 'ready' | 'unacked';

interface Row {
  messages: number;
  earliest: number;
  beyond: number;
}

/**
 * ETA messages per queue, from the ready lists (estimated when sampled) and from the unacked hash,
 * where a worker holds them until their time. Celery documents that a message held past the visibility
 * timeout is redelivered and runs again: an ETA further than that from its delivery is counted apart.
 */
export class EtaTally {
  private readonly rows = new Map<string, Row>();

  constructor(
    private readonly visibilityTimeoutS: number,
    private readonly now: number,
  ) {}

  /** `from`: unix seconds the delay counts from (delivery for unacked, now for ready); `weight`: sampling scale. */
  add(where: Where, queue: string, eta: string, from: number, weight: number): void {
    const at = Date.parse(eta) / 1000;
    if (!Number.isFinite(at)) return;
    const key = `${where}\u0000${queue}`;
    const row = this.rows.get(key) ?? { messages: 0, earliest: Infinity, beyond: 0 };
    row.messages += weight;
    row.earliest = Math.min(row.earliest, at);
    if (at - Math.min(from, this.now) > this.visibilityTimeoutS) row.beyond += weight;
    this.rows.set(key, row);
  }

  families(): FamilySet {
    const set = new FamilySet();
    const n = set.gauge(
      'loonctl_queue_eta_messages',
      'Messages with an ETA (countdown), in the ready lists (estimated when loonctl_queue_task_ready_exact is 0) ' +
        'or held unacked by a worker until due.',
    );
    const first = set.gauge(
      'loonctl_queue_eta_earliest_timestamp_seconds',
      'Earliest ETA among those messages, unix seconds (of the sample when the ready list is sampled).',
    );
    const beyond = set.gauge(
      'loonctl_queue_eta_beyond_visibility_timeout_messages',
      'ETA messages whose delay from delivery exceeds the visibility timeout: kombu will redeliver them ' +
        'while they wait, and they run twice.',
    );
    for (const [key, r] of [...this.rows.entries()].sort()) {
      const cut = key.indexOf('\u0000'); // the state never holds one; a hostile queue name may
      const state = key.slice(0, cut);
      const queue = key.slice(cut + 1);
      const labels = { queue, state };
      n.set(labels, Math.round(r.messages));
      first.set(labels, r.earliest);
      beyond.set(labels, Math.round(r.beyond));
    }
    return set;
  }
}
