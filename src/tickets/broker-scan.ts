import type { Redis } from 'ioredis';
import { classifyUnacked, type Holding, type UnackedRef } from '../celery/control/orphans.js';
import type { Census } from '../celery/control/census.js';
import { decode } from '../celery/decode.js';
import { discoverQueues } from '../celery/list.js';
import { readQueue, readUnacked } from '../celery/read.js';
import { isInternalQueue, type Transport } from '../celery/transport.js';
import { argsFromRepr, ticketKeyOf, type TicketLine } from './ticket-ref.js';

/** A LoonFlow task that concerns a ticket, wherever it is: a ready message, an unacked one, or a running task. */
export interface TicketMessage {
  ticketKey: string;
  task: string;
  id: string | null;
  args: unknown[];
  kwargs: Record<string, unknown>;
  eta: string | null;
  /** `ready`: in a queue list; `unacked`: taken by a worker, not acked; `running`: acked, executing (census). */
  where: 'ready' | 'unacked' | 'running';
  queue: string | null;
  bucket: number | null;
  /** Position in the order workers take them (0 runs next), for ready messages. */
  position: number | null;
  tag: string | null;
  /** Unix seconds a worker took it (unacked) or started it (running). */
  since: number | null;
  /** For unacked: whether a live worker holds it (census), else `null`. */
  holding: Holding | null;
  holder: string | null;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
const asDict = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * Every LoonFlow task message in the broker whose ticket is wanted (all when `wanted` is null): every bucket
 * of every queue, then `unacked` (classified held / orphan with the census when one is given), then the tasks
 * live workers run (early ack leaves no message behind while a task executes). Never changes Redis.
 */
export async function ticketMessages(
  redis: Redis,
  t: Transport,
  line: TicketLine,
  wanted: ReadonlySet<string> | null,
  census: Census | null,
): Promise<TicketMessage[]> {
  const out: TicketMessage[] = [];
  const base = { holding: null, holder: null, tag: null, since: null, bucket: null, position: null };
  const { names } = await discoverQueues(redis, t);
  for (const q of names) {
    const queue = q.toString('utf8');
    if (isInternalQueue(queue)) continue;
    for await (const e of readQueue(redis, t, q)) {
      const m = await decode(e.raw);
      const key = ticketKeyOf(line, m.task, m.args, m.kwargs);
      if (key === null || (wanted && !wanted.has(key))) continue;
      const msg = { task: m.task!, id: m.id, args: asList(m.args), kwargs: asDict(m.kwargs), eta: m.eta };
      out.push({ ...base, ...msg, ticketKey: key, where: 'ready', queue, bucket: e.bucket, position: e.position });
    }
  }
  const unacked: TicketMessage[] = [];
  for await (const u of readUnacked(redis, t)) {
    if (!u.payload) continue;
    const m = await decode(u.payload);
    const key = ticketKeyOf(line, m.task, m.args, m.kwargs);
    if (key === null || (wanted && !wanted.has(key))) continue;
    const msg = { task: m.task!, id: m.id, args: asList(m.args), kwargs: asDict(m.kwargs), eta: m.eta };
    unacked.push({
      ...base,
      ...msg,
      ticketKey: key,
      where: 'unacked',
      queue: u.routingKey,
      tag: u.tag,
      since: u.since,
    });
  }
  if (census) {
    const refs: UnackedRef[] = unacked.map((u) => ({
      tag: u.tag!,
      id: u.id,
      task: u.task,
      queue: u.queue,
      since: u.since,
    }));
    const c = classifyUnacked(refs, census, t.visibilityTimeoutS);
    c.entries.forEach((e, i) => Object.assign(unacked[i], { holding: e.status, holder: e.holder }));
  }
  out.push(...unacked);
  if (census) out.push(...runningTasks(line, wanted, census, new Set(out.map((m) => m.id))));
  return out;
}

/** Tasks live workers are executing that left no message (acked on start, as LoonFlow's workers do). */
function runningTasks(
  line: TicketLine,
  wanted: ReadonlySet<string> | null,
  census: Census,
  seen: Set<string | null>,
): TicketMessage[] {
  const out: TicketMessage[] = [];
  for (const w of census.workers) {
    for (const a of w.active) {
      if (seen.has(a.id)) continue;
      const args = typeof a.args === 'string' ? argsFromRepr(a.args) : asList(a.args);
      const kwargs = typeof a.kwargs === 'string' ? {} : asDict(a.kwargs);
      const key = ticketKeyOf(line, a.name, args, kwargs);
      if (key === null || (wanted && !wanted.has(key))) continue;
      out.push({
        ticketKey: key,
        task: a.name!,
        id: a.id,
        args: args ?? [],
        kwargs,
        eta: a.eta,
        where: 'running',
        queue: a.queue,
        bucket: null,
        position: null,
        tag: null,
        since: a.timeStart,
        holding: 'held',
        holder: w.hostname,
      });
    }
  }
  return out;
}
