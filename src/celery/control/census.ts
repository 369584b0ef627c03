import type { Redis } from 'ioredis';
import { broadcast, type BroadcastResult } from './broadcast.js';
import { hostnameFromWorkerMember, workerBindingKey, type Mailbox } from './names.js';
import { replyError, toScheduledList, toTaskList, type WorkerTask } from './task-info.js';

export interface CensusOptions {
  /** Stop waiting when no reply came for this long (`--timeout`, default 1000 ms). */
  idleTimeoutMs?: number;
  /** Total wait (default: the idle timeout, so a census adds at most `--timeout` to a command). */
  deadlineMs?: number;
  signal?: AbortSignal;
}

export interface CensusWorker {
  hostname: string;
  pid: number | null;
  concurrency: number | null;
  prefetchCount: number | null;
  /** Queues it consumes (`active_queues`). */
  queues: string[];
  active: WorkerTask[];
  reserved: WorkerTask[];
  scheduled: WorkerTask[];
  counts: { active: number; reserved: number; scheduled: number; processed: number | null };
  uptimeS: number | null;
  /** Celery version (from `report`), when the worker said. */
  version: string | null;
  /** Calls it did not answer in time or answered with an error: its task sets may be incomplete. */
  missing: string[];
}

export interface Census {
  /** Redis time (unix seconds) when the census was sent; entries delivered after this minus 5 s are never orphans. */
  startedAt: number;
  workers: CensusWorker[];
  /** Subscribers that received the census (live, listening workers). */
  receivers: number;
  /** Hostnames bound to the pidbox that did not answer: killed (their binding lingers) or too busy to answer. */
  silent: string[];
  /** Whether the census says everything live workers hold; if not, `distrust` says why. */
  trusted: boolean;
  distrust: string[];
}

const CALLS = ['ping', 'stats', 'active', 'reserved', 'scheduled', 'active_queues', 'report'] as const;
type CallName = (typeof CALLS)[number];
const TASK_SETS: CallName[] = ['active', 'reserved', 'scheduled'];
/** `safe`: arguments as repr strings, so a task with arguments JSON cannot carry never breaks the worker's reply. */
const ARGUMENTS: Partial<Record<CallName, Record<string, unknown>>> = { active: { safe: true } };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function byHost(res: BroadcastResult, call: CallName): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const r of res.replies[CALLS.indexOf(call)]) if (!m.has(r.hostname)) m.set(r.hostname, r.result);
  return m;
}

function versionFromReport(result: unknown): string | null {
  const text = isObject(result) && typeof result.ok === 'string' ? result.ok : null;
  return text ? (/celery:(\S+)/.exec(text)?.[1] ?? null) : null;
}

function buildWorker(hostname: string, res: BroadcastResult, now: number): CensusWorker {
  const got = (call: CallName) => byHost(res, call).get(hostname);
  const missing: string[] = [];
  const tasks = (call: CallName, parse: (r: unknown, now: number) => WorkerTask[] | null): WorkerTask[] => {
    const r = got(call);
    const list = r === undefined || replyError(r) ? null : parse(r, now);
    if (list === null) missing.push(call);
    return list ?? [];
  };
  const active = tasks('active', toTaskList);
  const reserved = tasks('reserved', toTaskList);
  const scheduled = tasks('scheduled', toScheduledList);
  const stats = got('stats');
  if (!isObject(stats) || replyError(stats)) missing.push('stats');
  const s = isObject(stats) ? stats : {};
  const pool = isObject(s.pool) ? s.pool : {};
  const total = isObject(s.total) ? Object.values(s.total).reduce<number>((a, n) => a + (num(n) ?? 0), 0) : null;
  const aq = got('active_queues');
  if (!Array.isArray(aq)) missing.push('active_queues');
  const queues = Array.isArray(aq)
    ? aq.map((q) => (isObject(q) && typeof q.name === 'string' ? q.name : null)).filter((q): q is string => q !== null)
    : [];
  return {
    hostname,
    pid: num(s.pid),
    concurrency: num(pool['max-concurrency']),
    prefetchCount: num(s.prefetch_count),
    queues,
    active,
    reserved,
    scheduled,
    counts: { active: active.length, reserved: reserved.length, scheduled: scheduled.length, processed: total },
    uptimeS: num(s.uptime),
    version: versionFromReport(got('report')),
    missing,
  };
}

/**
 * Asks every live worker, in one round, for ping, stats, active, reserved, scheduled, active_queues
 * and report, and says whether the answer can be trusted to name everything live workers hold.
 * A worker is live when it answered the ping. Fast when all is well: it stops as soon as every
 * subscriber the request reached has answered every call.
 */
export async function census(redis: Redis, m: Mailbox, o: CensusOptions = {}): Promise<Census> {
  const idleTimeoutMs = o.idleTimeoutMs ?? 1000;
  const [res, bound] = await Promise.all([
    broadcast(
      redis,
      m,
      CALLS.map((method) => ({ method, arguments: ARGUMENTS[method] })),
      { idleTimeoutMs, deadlineMs: o.deadlineMs ?? idleTimeoutMs, signal: o.signal },
    ),
    redis.smembersBuffer(workerBindingKey(m)),
  ]);
  const pings = res.replies[0].map((r) => r.hostname);
  const hostnames = [...new Set(pings)].sort();
  const workers = hostnames.map((h) => buildWorker(h, res, res.startedAt));
  const distrust: string[] = [];
  if (res.receivers === 0 && hostnames.length === 0) {
    distrust.push('no worker answered (none running, or another broker db, --key-prefix or control exchange)');
  }
  if (pings.length < res.receivers) {
    const n = res.receivers - pings.length;
    distrust.push(
      `${n} subscriber${n === 1 ? '' : 's'} received the census but did not answer within ${idleTimeoutMs} ms ` +
        '(a busy or hung worker may hold tasks)',
    );
  }
  if (pings.length !== hostnames.length) distrust.push('two workers answer with the same hostname');
  for (const w of workers) {
    const gaps = w.missing.filter((c) => TASK_SETS.includes(c as CallName));
    if (gaps.length) distrust.push(`${w.hostname} did not answer ${gaps.join(', ')}`);
  }
  for (const u of res.unreadable) distrust.push(`unreadable ${CALLS[u.call]} reply: ${u.reason}`);
  if (res.deadlineHit && distrust.length === 0)
    distrust.push('the census deadline passed before every worker answered');
  const answered = new Set(hostnames);
  const silent = [
    ...new Set(
      bound.map((b) => hostnameFromWorkerMember(m, b)).filter((h): h is string => h !== null && !answered.has(h)),
    ),
  ].sort();
  return {
    startedAt: res.startedAt,
    workers,
    receivers: res.receivers,
    silent,
    trusted: distrust.length === 0,
    distrust,
  };
}

/** Queue name -> hostnames of the live workers consuming it (for `queue list` and doctor). */
export function consumersByQueue(c: Census): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const w of c.workers) for (const q of w.queues) m.set(q, [...(m.get(q) ?? []), w.hostname]);
  return m;
}
