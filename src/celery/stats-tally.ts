import { decode } from './decode.js';

/** What `queue stats` counts of one message. */
export interface StatsEntry {
  /** Null when the message is broken (no task name readable). */
  task: string | null;
  priority: number;
  /** The ETA as unix milliseconds (NaN when unreadable), or null without one. */
  eta: number | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The counted fields straight from kombu's JSON envelope when protocol 2 headers name the task (every
 * Celery >= 4 message): one JSON.parse, no body decoding. Null when the full decoder must look.
 */
export function statsEntryFast(raw: Buffer): StatsEntry | null {
  let env: unknown;
  try {
    env = JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
  if (!isObject(env) || !('body' in env) || !isObject(env.properties) || !isObject(env.headers)) return null;
  const h = env.headers;
  if (typeof h.task !== 'string') return null;
  const p = env.properties.priority;
  const eta =
    h.eta === undefined || h.eta === null || h.eta === '' ? null : typeof h.eta === 'string' ? Date.parse(h.eta) : NaN;
  return { task: h.task, priority: typeof p === 'number' ? p : 0, eta };
}

/** The same for any message (protocol 1, YAML, broken), through the full decoder when needed. */
export async function statsEntry(raw: Buffer): Promise<StatsEntry> {
  const fast = statsEntryFast(raw);
  if (fast) return fast;
  const m = await decode(raw);
  const broken = !m.ok && m.task === null;
  return {
    task: broken ? null : (m.task ?? '?'),
    priority: m.priority ?? 0,
    eta: m.eta ? Date.parse(m.eta) : null,
  };
}

/**
 * Running counts that messages can be added to and taken from (a mirror of a live queue), with a
 * weight for sampled counts. ETAs are kept by time, so due vs future is decided at read time.
 */
export class StatsTally {
  ready = 0;
  broken = 0;
  readonly byTask = new Map<string, number>();
  readonly byPriority = new Map<string, number>();
  private readonly etas = new Map<number, number>();

  add(e: StatsEntry, weight = 1): void {
    this.ready += weight;
    if (e.task === null) {
      this.broken += weight;
      return;
    }
    bump(this.byTask, e.task, weight);
    bump(this.byPriority, String(e.priority), weight);
    if (e.eta !== null) bump(this.etas, Number.isNaN(e.eta) ? Infinity : e.eta, weight);
  }

  remove(e: StatsEntry): void {
    this.ready--;
    if (e.task === null) {
      this.broken--;
      return;
    }
    bump(this.byTask, e.task, -1);
    bump(this.byPriority, String(e.priority), -1);
    if (e.eta !== null) bump(this.etas, Number.isNaN(e.eta) ? Infinity : e.eta, -1);
  }

  /** Adds every count of another tally (several queues shown as one). */
  addAll(o: StatsTally): void {
    this.ready += o.ready;
    this.broken += o.broken;
    for (const [k, v] of o.byTask) bump(this.byTask, k, v);
    for (const [k, v] of o.byPriority) bump(this.byPriority, k, v);
    for (const [k, v] of o.etas) bump(this.etas, k, v);
  }

  /** ETA messages due at `nowMs` and still in the future (an unreadable ETA counts as future). */
  eta(nowMs: number): { past: number; future: number } {
    let past = 0;
    let future = 0;
    for (const [at, n] of this.etas) {
      if (at <= nowMs) past += n;
      else future += n;
    }
    return { past: Math.round(past), future: Math.round(future) };
  }
}

function bump<K>(m: Map<K, number>, k: K, by: number): void {
  const n = (m.get(k) ?? 0) + by;
  if (Math.abs(n) < 1e-9) m.delete(k);
  else m.set(k, n);
}

/** A count map as JSON, rounded (sampled counts are estimates), largest first. */
export function rounded(m: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1])) out[k] = Math.round(v);
  return out;
}
