import type { Redis } from 'ioredis';
import { decode } from '../decode.js';
import { readUnacked } from '../read.js';
import type { Transport } from '../transport.js';
import { census as takeCensus, type Census, type CensusOptions } from './census.js';
import type { Mailbox } from './names.js';

/** An `unacked` entry as the classification needs it. */
export interface UnackedRef {
  tag: string;
  /** Task id from the message's headers (protocol 2) or body (protocol 1); null when unreadable. */
  id: string | null;
  task: string | null;
  queue: string | null;
  /** Unix seconds a worker received it (score in `unacked_index`). */
  since: number | null;
}

export type Holding = 'held' | 'orphan' | 'unknown';

export interface ClassifiedEntry extends UnackedRef {
  status: Holding;
  /** The worker that listed it, for `held`. */
  holder: string | null;
  reason: string;
}

export interface Classification {
  /** `census`: orphans are what no answering worker holds; `visibility-timeout`: the census could not be trusted. */
  rule: 'census' | 'visibility-timeout';
  distrust: string[];
  entries: ClassifiedEntry[];
  counts: Record<Holding, number>;
}

/** A worker may have popped a message a moment before the census and not list it yet. */
export const CENSUS_GRACE_S = 5;

/** Task id -> hostname of the answering worker that lists it as active, reserved or scheduled. */
export function heldTasks(c: Census): Map<string, string> {
  const held = new Map<string, string>();
  for (const w of c.workers)
    for (const t of [...w.active, ...w.reserved, ...w.scheduled]) if (t.id) held.set(t.id, w.hostname);
  return held;
}

/**
 * Says, for each unacked entry, whether a live worker holds it, it is an orphan (its worker is gone),
 * or that cannot be told. With a trusted census, an entry is an orphan when no answering worker lists
 * its task id and it was delivered at least 5 s before the census; otherwise the visibility timeout
 * rule (kombu's own) decides, measured at the census time.
 */
export function classifyUnacked(entries: UnackedRef[], census: Census, visibilityTimeoutS: number): Classification {
  const held = heldTasks(census);
  const rule = census.trusted ? 'census' : 'visibility-timeout';
  const counts: Record<Holding, number> = { held: 0, orphan: 0, unknown: 0 };
  const out = entries.map((e): ClassifiedEntry => {
    const holder = e.id === null ? undefined : held.get(e.id);
    const c = (status: Holding, reason: string): ClassifiedEntry => {
      counts[status]++;
      return { ...e, status, holder: holder ?? null, reason };
    };
    if (holder) return c('held', `listed by ${holder}`);
    if (e.id === null) return c('unknown', 'unreadable entry: no task id to look for');
    if (e.since === null) return c('unknown', 'no delivery time in unacked_index');
    const age = census.startedAt - e.since;
    if (rule === 'visibility-timeout') {
      return age >= visibilityTimeoutS
        ? c('orphan', `older than the visibility timeout (${visibilityTimeoutS} s); census not trusted`)
        : c('unknown', `census not trusted: ${census.distrust.join('; ')}`);
    }
    if (age < CENSUS_GRACE_S)
      return c('unknown', `delivered less than ${CENSUS_GRACE_S} s before the census: a worker may not list it yet`);
    return c('orphan', 'held by no live worker');
  });
  return { rule, distrust: census.distrust, entries: out, counts };
}

/** Reads every unacked entry with its task id, task name and queue (decoding each message once). */
export async function readUnackedRefs(redis: Redis, t: Transport): Promise<UnackedRef[]> {
  const refs: UnackedRef[] = [];
  for await (const u of readUnacked(redis, t)) {
    const m = u.payload ? await decode(u.payload) : null;
    refs.push({ tag: u.tag, id: m?.id ?? null, task: m?.task ?? null, queue: u.routingKey, since: u.since });
  }
  return refs;
}

/** Census, then the unacked entries read after it, classified (for `peek --unacked`, `stats`, doctor). Read-only. */
export async function unackedHolding(
  redis: Redis,
  t: Transport,
  m: Mailbox,
  o: CensusOptions = {},
): Promise<{ census: Census; classification: Classification }> {
  const census = await takeCensus(redis, m, o);
  const refs = await readUnackedRefs(redis, t);
  return { census, classification: classifyUnacked(refs, census, t.visibilityTimeoutS) };
}
