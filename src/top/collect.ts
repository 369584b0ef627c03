import type { Redis } from 'ioredis';
import type { Census } from '../celery/control/census.js';
import { classifyUnacked, type UnackedRef } from '../celery/control/orphans.js';
import { decode } from '../celery/decode.js';
import type { DecodedMessage } from '../celery/envelope.js';
import { discoverQueues } from '../celery/list.js';
import { bucketLengths, parseUnackedValue, readQueuePages } from '../celery/read.js';
import { isInternalQueue, unackedIndexKey, unackedKey, type Transport } from '../celery/transport.js';
import { matchesText } from './filter-text.js';
import type {
  FlowFigures,
  LockRow,
  MessagePage,
  MessageRow,
  QueueRow,
  SerialRow,
  Snapshot,
  UnackedRow,
  ViewRequest,
  WorkerRow,
} from './types.js';

/** The oldest unacked entries read per refresh (kombu's hash holds prefetched tasks of every worker). */
export const UNACKED_WINDOW = 200;
/** With a filter, at most this many messages are scanned from the tail per refresh. */
export const FILTER_SCAN = 2000;
/** Refreshes between two queue discoveries (a SCAN of the keyspace, not of the messages). */
const DISCOVER_EVERY = 5;
const HISTORY = 40;
const SERIALS_EVERY_S = 30;
const CENSUS_WAIT_MS = 200;

export interface CollectorSources {
  broker: Redis;
  t: Transport;
  /** The incremental flow collection (memoryFlowStore): LLEN and a few tail elements per bucket. */
  observe(queues: string[]): Promise<FlowFigures[]>;
  census(): Promise<Census>;
  locks?: () => Promise<LockRow[]>;
  /** The days, or why this deployment has none (a line without serials). */
  serials?: () => Promise<SerialRow[] | string>;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/**
 * Gathers one snapshot per refresh, reading only what the screen shows: lengths and rates of every
 * queue, the visible page of the selected queue (LRANGE of that range), the oldest unacked entries
 * (decoded once each), the census, and locks or serials while their tab is open.
 */
export class Collector {
  private ticks = 0;
  private names: string[] = [];
  private readonly history = new Map<string, number[]>();
  private readonly decoded = new Map<string, { message: DecodedMessage | null; queue: string | null }>();
  private serialsAt = 0;
  private lastCensus: Census | null = null;
  private censusRun: Promise<Census | null> | null = null;
  private serialRows: SerialRow[] | string | null = null;

  constructor(private readonly s: CollectorSources) {}

  async tick(view: ViewRequest): Promise<Snapshot> {
    const errors: string[] = [];
    const guard = async <T>(what: string, p: Promise<T>, fallback: T): Promise<T> => {
      try {
        return await p;
      } catch (e) {
        errors.push(`${what}: ${message(e)}`);
        return fallback;
      }
    };
    const { broker, t } = this.s;
    const [s, us] = await broker.time();
    const now = Number(s) + Number(us) / 1e6;
    if (this.ticks++ % DISCOVER_EVERY === 0) {
      const found = await guard('queues', discoverQueues(broker, t), null);
      if (found) {
        this.names = found.names
          .map((n) => n.toString('utf8'))
          .filter((n) => !isInternalQueue(n))
          .sort();
      }
    }
    const [census, flow, buckets, window, page, locks, serials] = await Promise.all([
      guard('census', this.census(), null),
      guard('flow', this.s.observe(this.names), []),
      guard('lengths', this.lengths(), new Map<string, { step: number; length: number }[]>()),
      guard('unacked', this.unackedWindow(), { total: 0, refs: [] as (UnackedRef & { eta: string | null })[] }),
      guard('messages', this.page(view), null),
      view.tab === 'locks' && this.s.locks ? guard('locks', this.s.locks(), null) : Promise.resolve(null),
      guard('serials', this.serials(view, now), null),
    ]);
    const workers: WorkerRow[] = (census?.workers ?? []).map((w) => ({
      hostname: w.hostname,
      concurrency: w.concurrency,
      queues: w.queues,
      processed: w.counts.processed,
      reserved: w.counts.reserved,
      scheduled: w.counts.scheduled,
      active: w.active,
    }));
    const classification = census ? classifyUnacked(window.refs, census, t.visibilityTimeoutS) : null;
    const unackedRows: UnackedRow[] = window.refs.map((r, i) => {
      const c = classification?.entries[i];
      return {
        tag: r.tag,
        queue: r.queue,
        since: r.since,
        age: r.since === null ? null : Math.max(0, now - r.since),
        status: c?.status ?? 'unknown',
        holder: c?.holder ?? null,
        eta: r.eta,
        message: this.decoded.get(r.tag)?.message ?? null,
      };
    });
    const flowOf = new Map(flow.map((f) => [f.queue, f]));
    const consumers = new Map<string, string[]>();
    for (const w of workers) for (const q of w.queues) consumers.set(q, [...(consumers.get(q) ?? []), w.hostname]);
    const queues: QueueRow[] = this.names.map((name) => {
      const b = buckets.get(name) ?? [];
      const ready = b.reduce((n, x) => n + x.length, 0);
      const f = flowOf.get(name);
      const hist = [...(this.history.get(name) ?? []), ready].slice(-HISTORY);
      this.history.set(name, hist);
      const mine = unackedRows.filter((u) => u.queue === name);
      return {
        name,
        buckets: b,
        ready,
        held: mine.filter((u) => u.status === 'held').length,
        orphaned: mine.filter((u) => u.status === 'orphan').length,
        inRate: f?.enqueue_rate_per_second ?? null,
        outRate: f?.dequeue_rate_per_second ?? null,
        oldestAge: f?.oldest_age_seconds ?? null,
        notDraining: f?.not_draining_seconds ?? null,
        consumers: consumers.get(name) ?? [],
        history: hist,
      };
    });
    return {
      now,
      queues,
      messages: page,
      unacked: {
        total: window.total,
        rows: unackedRows,
        partial: window.total > UNACKED_WINDOW,
        rule: classification?.rule ?? 'none',
        distrust: classification?.distrust ?? ['no census'],
      },
      workers,
      silentWorkers: census?.silent ?? [],
      locks,
      serials: typeof serials === 'string' ? null : serials,
      ...(typeof serials === 'string' ? { noSerials: serials } : {}),
      errors,
    };
  }

  /**
   * The latest census: one runs at a time, and a refresh waits for it only briefly (a worker busy in a
   * solo pool answers late), using the previous one meanwhile, so the screen never waits for Celery.
   */
  private async census(): Promise<Census | null> {
    this.censusRun ??= this.s
      .census()
      .then((c) => (this.lastCensus = c))
      .finally(() => (this.censusRun = null));
    // The first frame never waits: it shows the queues while the workers answer.
    const wait = this.ticks === 1 ? 0 : CENSUS_WAIT_MS;
    const late = new Promise<null>((r) => setTimeout(() => r(null), wait).unref());
    return (await Promise.race([this.censusRun, late])) ?? this.lastCensus;
  }

  private async lengths(): Promise<Map<string, { step: number; length: number }[]>> {
    const out = new Map<string, { step: number; length: number }[]>();
    await Promise.all(
      this.names.map(async (n) => {
        const b = await bucketLengths(this.s.broker, this.s.t, n);
        out.set(
          n,
          b.map(({ step, length }) => ({ step, length })),
        );
      }),
    );
    return out;
  }

  /** The oldest entries of unacked_index and their hash values; each value is fetched and decoded once. */
  private async unackedWindow(): Promise<{ total: number; refs: (UnackedRef & { eta: string | null })[] }> {
    const { broker, t } = this.s;
    const [[, total], [, flat]] = (await broker
      .multi()
      .zcard(unackedIndexKey(t))
      .zrange(unackedIndexKey(t), 0, UNACKED_WINDOW - 1, 'WITHSCORES')
      .exec()) as [[unknown, number], [unknown, string[]]];
    const tags: string[] = [];
    const scores = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) {
      tags.push(flat[i]);
      scores.set(flat[i], Number(flat[i + 1]));
    }
    const missing = tags.filter((tag) => !this.decoded.has(tag));
    if (missing.length) {
      const values = await broker.hmgetBuffer(unackedKey(t), ...missing);
      for (let i = 0; i < missing.length; i++) {
        const v = values[i];
        if (!v) continue; // acked between the two reads: not cached, gone next time
        const p = parseUnackedValue(v);
        this.decoded.set(missing[i], { message: p.payload ? await decode(p.payload) : null, queue: p.routingKey });
      }
    }
    const wanted = new Set(tags);
    for (const [tag] of this.decoded) if (!wanted.has(tag)) this.decoded.delete(tag);
    const refs = tags
      .filter((tag) => this.decoded.has(tag))
      .map((tag) => {
        const d = this.decoded.get(tag)!;
        return {
          tag,
          id: d.message?.id ?? null,
          task: d.message?.task ?? null,
          queue: d.queue,
          since: scores.get(tag) ?? null,
          eta: d.message?.eta ?? null,
        };
      });
    return { total: Number(total), refs };
  }

  /** The visible page of the selected queue: LRANGE of exactly those positions, or a bounded filter scan. */
  private async page(view: ViewRequest): Promise<MessagePage | null> {
    if (view.queue === null) return null;
    const { broker, t } = this.s;
    const lengths = await bucketLengths(broker, t, view.queue);
    const total = lengths.reduce((n, b) => n + b.length, 0);
    if (view.filter) return this.filtered(view, total);
    const rows: MessageRow[] = [];
    let start = 0;
    const end = view.offset + view.limit;
    for (const b of lengths) {
      const lo = Math.max(0, view.offset - start);
      const hi = Math.min(b.length, end - start);
      if (hi > lo) {
        const got = await broker.lrangeBuffer(b.key, -hi, -(lo + 1));
        for (let j = got.length - 1, k = 0; j >= 0; j--, k++) {
          rows.push({ position: start + lo + k, bucket: b.step, fromTail: lo + k, message: await decode(got[j]) });
        }
      }
      start += b.length;
      if (start >= end) break;
    }
    return { queue: view.queue, total, offset: view.offset, rows, scanned: null, matched: null };
  }

  private async filtered(view: ViewRequest, total: number): Promise<MessagePage> {
    const matches: MessageRow[] = [];
    let scanned = 0;
    for await (const page of readQueuePages(this.s.broker, this.s.t, view.queue!, 0, 500)) {
      for (const m of page) {
        if (scanned >= FILTER_SCAN) break;
        scanned++;
        const message = await decode(m.raw);
        if (matchesText(message, view.filter)) {
          matches.push({ position: m.position, bucket: m.bucket, fromTail: m.fromTail, message });
        }
      }
      if (scanned >= FILTER_SCAN) break;
    }
    const rows = matches.slice(view.offset, view.offset + view.limit);
    return { queue: view.queue!, total, offset: view.offset, rows, scanned, matched: matches.length };
  }

  private async serials(view: ViewRequest, now: number): Promise<SerialRow[] | string | null> {
    if (!this.s.serials || view.tab !== 'serials') return this.serialRows;
    if (this.serialRows && !view.fresh && now - this.serialsAt < SERIALS_EVERY_S) return this.serialRows;
    this.serialRows = await this.s.serials();
    this.serialsAt = now;
    return this.serialRows;
  }
}
