import type { Redis } from 'ioredis';
import { statsEntry, statsEntryFast, StatsTally, type StatsEntry } from '../celery/stats-tally.js';
import { bucketKeys, type Transport } from '../celery/transport.js';
import { fingerprint } from './fingerprint.js';
import { Deque } from './deque.js';
import { align } from './flow-align.js';
import { type BucketProbe, probeBuckets, SEARCH, WINDOW } from './flow-probe.js';
import { readListAnchored } from './mirror-read.js';

/** Messages pushed between two looks that one look fetches; more than that and the bucket is re-read. */
export const FRESH_LIMIT = 100_000;

interface Entry {
  fp: string;
  e: StatsEntry;
}

interface MirroredBucket {
  step: number;
  key: Buffer;
  items: Deque<Entry>;
  loaded: boolean;
}

/** What one look cost and found. */
export interface MirrorTick {
  /** Messages whose bytes came over the wire (pushed since the last look, or a whole re-read). */
  fetched: number;
  /** Buckets read whole this look (the first look, or when the ends disagreed with the mirror). */
  reread: number;
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A queue's messages as counts (task, priority, ETA), kept up to date from the ends of each priority
 * bucket: after the first look a look reads the messages pushed since the last one and drops the ones
 * taken from the tail, checked against fingerprints of both ends; any disagreement re-reads the bucket.
 */
export class QueueMirror {
  readonly tally = new StatsTally();
  private readonly buckets: MirroredBucket[];

  constructor(
    private readonly redis: Redis,
    t: Transport,
    queue: Buffer,
  ) {
    this.buckets = bucketKeys(t, queue).map((b) => ({ ...b, items: new Deque<Entry>(), loaded: false }));
  }

  async tick(): Promise<MirrorTick> {
    const heads = this.buckets.map((b) => (b.loaded && b.items.length > 0 ? b.items.back(1)[0].fp : ''));
    const probes = await probeBuckets(
      this.redis,
      this.buckets.map((b) => b.key),
      heads,
      { fresh: FRESH_LIMIT },
    );
    const tick: MirrorTick = { fetched: 0, reread: 0 };
    for (let i = 0; i < this.buckets.length; i++) {
      const b = this.buckets[i];
      const fresh = b.loaded ? await this.apply(b, probes[i]) : null;
      if (fresh !== null) {
        tick.fetched += fresh;
        continue;
      }
      tick.fetched += await this.reread(b);
      tick.reread++;
    }
    return tick;
  }

  /** Moves the mirror to what the probe saw; the number of messages fetched, or null to re-read. */
  private async apply(b: MirroredBucket, p: BucketProbe): Promise<number | null> {
    const old = { length: b.items.length, tail: this.fps(b.items.front(WINDOW)), head: this.fps(b.items.back(WINDOW)) };
    const m = align(old, p, p.found, WINDOW + SEARCH);
    if (p.fresh === null) return null;
    if (m.exact && m.removed === 0 && m.restored === 0 && p.fresh.length === m.enqueued) {
      b.items.dropFront(m.dequeued, (x) => this.tally.remove(x.e));
    } else if (p.fresh.length === p.length) {
      b.items.dropFront(b.items.length, (x) => this.tally.remove(x.e));
    } else return null;
    for (let j = p.fresh.length - 1; j >= 0; j--) await this.add(b, p.fresh[j]);
    const fits =
      b.items.length === p.length &&
      same(this.fps(b.items.front(WINDOW)), p.tail) &&
      same(this.fps(b.items.back(WINDOW)), p.head);
    return fits ? p.fresh.length : null;
  }

  private async reread(b: MirroredBucket): Promise<number> {
    b.items.dropFront(b.items.length, (x) => this.tally.remove(x.e));
    b.items.clear();
    const all = await readListAnchored(this.redis, b.key, async (raw) => ({
      fp: fingerprint(raw),
      e: statsEntryFast(raw) ?? (await statsEntry(raw)),
    }));
    for (const x of all) {
      b.items.push(x);
      this.tally.add(x.e);
    }
    b.loaded = true;
    return all.length;
  }

  private async add(b: MirroredBucket, raw: Buffer): Promise<void> {
    const e = statsEntryFast(raw) ?? (await statsEntry(raw));
    b.items.push({ fp: fingerprint(raw), e });
    this.tally.add(e);
  }

  private fps(xs: Entry[]): string[] {
    return xs.map((x) => x.fp);
  }

  /** Ready messages per priority step as mirrored. */
  lengths(): Record<string, number> {
    return Object.fromEntries(this.buckets.map((b) => [String(b.step), b.items.length]));
  }
}
