import { constants } from 'node:os';
import type { Redis } from 'ioredis';
import { UsageError } from '../../core/errors.js';
import { broadcast } from './broadcast.js';
import type { Mailbox } from './names.js';
import { replyError, toScheduledList, toTaskList, type WorkerTask } from './task-info.js';

export interface CallOptions {
  /** Exact hostnames (`w1@host`); absent = every live worker. */
  workers?: string[];
  /** Stop waiting when no reply came for this long (default 1000 ms). */
  idleTimeoutMs?: number;
  deadlineMs?: number;
  signal?: AbortSignal;
}

/** What `worker inspect` can ask (`queues` is `active_queues`). */
export const INSPECT_METHODS = [
  'active',
  'reserved',
  'scheduled',
  'stats',
  'active_queues',
  'revoked',
  'registered',
  'ping',
] as const;
export type InspectMethod = (typeof INSPECT_METHODS)[number];

export interface InspectReply {
  hostname: string;
  /** The worker's answer as it sent it. */
  result: unknown;
  /** For active, reserved and scheduled: the tasks, with how long each has been running. */
  tasks: WorkerTask[] | null;
  error: string | null;
}

export interface InspectResult {
  startedAt: number;
  replies: InspectReply[];
  /** Named workers that did not answer. */
  missing: string[];
  unreadable: string[];
}

function run(redis: Redis, m: Mailbox, method: string, args: Record<string, unknown>, o: CallOptions) {
  return broadcast(redis, m, [{ method, arguments: args }], {
    destination: o.workers,
    idleTimeoutMs: o.idleTimeoutMs ?? 1000,
    deadlineMs: o.deadlineMs,
    signal: o.signal,
  });
}

function missingOf(o: CallOptions, hostnames: string[]): string[] {
  const got = new Set(hostnames);
  return (o.workers ?? []).filter((w) => !got.has(w));
}

/** One inspect call (`celery inspect <method>`), replies sorted by hostname. */
export async function inspectWorkers(
  redis: Redis,
  m: Mailbox,
  method: string,
  o: CallOptions = {},
): Promise<InspectResult> {
  const name = method === 'queues' ? 'active_queues' : method;
  if (!(INSPECT_METHODS as readonly string[]).includes(name))
    throw new UsageError(`cannot inspect '${method}'`, `one of: ${INSPECT_METHODS.join(', ')}, queues`);
  const res = await run(redis, m, name, {}, o);
  const replies = res.replies[0].map((r): InspectReply => {
    const error = replyError(r.result);
    const tasks = error
      ? null
      : name === 'scheduled'
        ? toScheduledList(r.result, res.startedAt)
        : name === 'active' || name === 'reserved'
          ? toTaskList(r.result, res.startedAt)
          : null;
    return { hostname: r.hostname, result: r.result, tasks, error };
  });
  replies.sort((a, b) => a.hostname.localeCompare(b.hostname));
  return {
    startedAt: res.startedAt,
    replies,
    missing: missingOf(
      o,
      replies.map((r) => r.hostname),
    ),
    unreadable: res.unreadable.map((u) => u.reason),
  };
}

export interface Ack {
  hostname: string;
  /** The worker's `ok` text, e.g. "no longer consuming from loonflow". */
  ok: string | null;
  error: string | null;
}

export interface AckResult {
  acks: Ack[];
  /** Named workers that did not answer. */
  missing: string[];
  unreadable: string[];
  /** Subscribers the request reached (live workers, answering or not). */
  receivers: number;
}

async function acknowledged(
  redis: Redis,
  m: Mailbox,
  method: string,
  args: Record<string, unknown>,
  o: CallOptions,
): Promise<AckResult> {
  const res = await run(redis, m, method, args, o);
  const acks = res.replies[0].map((r): Ack => {
    const v = r.result as Record<string, unknown> | null;
    const ok = v && typeof v === 'object' && typeof v.ok === 'string' ? v.ok : null;
    return {
      hostname: r.hostname,
      ok,
      error: replyError(r.result) ?? (ok === null ? `unexpected reply ${JSON.stringify(r.result)}` : null),
    };
  });
  acks.sort((a, b) => a.hostname.localeCompare(b.hostname));
  return {
    acks,
    missing: missingOf(
      o,
      acks.map((a) => a.hostname),
    ),
    unreadable: res.unreadable.map((u) => u.reason),
    receivers: res.receivers,
  };
}

/** `TERM`, `sigterm`, `SIGTERM` or `15` -> `SIGTERM` (the name Celery's revoke expects); a usage error otherwise. */
export function signalName(text: string): string {
  const names = constants.signals as Record<string, number>;
  const upper = text.trim().toUpperCase();
  const byNumber = /^\d+$/.test(upper) ? Object.entries(names).find(([, n]) => n === Number(upper))?.[0] : undefined;
  const name = byNumber ?? (upper.startsWith('SIG') ? upper : `SIG${upper}`);
  if (!(name in names)) throw new UsageError(`--signal: '${text}' is not a signal`, 'e.g. TERM, KILL, USR1');
  return name;
}

/**
 * Celery's revoke: every worker remembers the ids (in memory only: lost on restart unless it runs with
 * `--statedb`) and discards a reserved or ETA copy when it would start; `terminate` also signals a running one.
 */
export function revokeBroadcast(
  redis: Redis,
  m: Mailbox,
  ids: string[],
  o: CallOptions & { terminate?: boolean; signalName?: string } = {},
): Promise<AckResult> {
  if (ids.length === 0) throw new UsageError('no task id to revoke');
  return acknowledged(
    redis,
    m,
    'revoke',
    { task_id: ids, terminate: !!o.terminate, signal: signalName(o.signalName ?? 'SIGTERM') },
    o,
  );
}

/** Stops consuming a queue (until `addConsumer` or a worker restart); tasks already prefetched still run. */
export function cancelConsumer(redis: Redis, m: Mailbox, queue: string, o: CallOptions = {}): Promise<AckResult> {
  return acknowledged(redis, m, 'cancel_consumer', { queue }, o);
}

/** Starts consuming a queue again. */
export function addConsumer(redis: Redis, m: Mailbox, queue: string, o: CallOptions = {}): Promise<AckResult> {
  return acknowledged(
    redis,
    m,
    'add_consumer',
    { queue, exchange: null, exchange_type: 'direct', routing_key: null },
    o,
  );
}
