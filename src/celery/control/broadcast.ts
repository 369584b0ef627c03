import type { Redis } from 'ioredis';
import { InterruptedError, LoonError, UnavailableError, UsageError } from '../../core/errors.js';
import { redisNow } from '../read.js';
import { decodeControlReply, encodeControlRequest, newRequest } from './encode.js';
import { makeOid, replyBindingKey, replyListKey, replyMember, requestChannel, type Mailbox } from './names.js';
import { sweepReplyLeftovers } from './sweep.js';

export interface ControlCall {
  method: string;
  arguments?: Record<string, unknown>;
}

export interface BroadcastOptions {
  /** Exact worker hostnames; absent = every worker. */
  destination?: string[];
  /** Give up when no reply came for this long (Celery's `timeout`, 1 s by default). */
  idleTimeoutMs: number;
  /** Never wait longer than this in total (default: 10 x the idle timeout, at most 30 s). */
  deadlineMs?: number;
  signal?: AbortSignal;
}

export interface WorkerReply {
  hostname: string;
  result: unknown;
}

export interface BroadcastResult {
  /** Redis time (unix seconds) just before the requests were published. */
  startedAt: number;
  /** How many subscribers received the requests (PUBLISH's count): the workers alive and listening. */
  receivers: number;
  /** Per call, in the order asked: the replies that carried its ticket. */
  replies: WorkerReply[][];
  /** Replies with our ticket that could not be read (pickle replies, broken JSON), per call. */
  unreadable: { call: number; reason: string }[];
  /** Replies that carried another ticket (a previous request's late answer): dropped. */
  foreign: number;
  /** The total deadline ended the wait while replies were still expected. */
  deadlineHit: boolean;
}

/** The sweep must never take a live broadcast for a leftover: keep every broadcast well under its age limit. */
export const MAX_DEADLINE_MS = 30_000;

function noReplies(startedAt: number, calls: number): BroadcastResult {
  const replies = Array.from({ length: calls }, () => []);
  return { startedAt, receivers: 0, replies, unreadable: [], foreign: 0, deadlineHit: false };
}

/**
 * Whether any client could receive a broadcast: workers PSUBSCRIBE (kombu's fanout_patterns), so only no
 * pattern subscription on the server at all and no subscriber of the channel mean nobody. Then the census
 * costs no second connection and no reply binding. When unsure (PUBSUB denied), assume someone listens.
 */
async function anyoneListens(redis: Redis, channel: string | Buffer): Promise<boolean> {
  try {
    const out = (await redis.pipeline().call('PUBSUB', 'NUMPAT').call('PUBSUB', 'NUMSUB', channel).exec()) ?? [];
    const [[patErr, patterns], [subErr, numsub]] = out as [Error | null, unknown][];
    if (patErr || subErr) return true;
    return Number(patterns) > 0 || Number((numsub as unknown[])[1]) > 0;
  } catch {
    return true;
  }
}

async function openReplyConnection(redis: Redis): Promise<Redis> {
  const dup = redis.duplicate();
  dup.on('error', () => {});
  if (dup.status === 'wait') await dup.connect();
  else if (dup.status !== 'ready')
    await new Promise<void>((resolve, reject) => {
      dup.once('ready', resolve);
      dup.once('end', () => reject(new Error('reply connection closed')));
    });
  return dup;
}

/** BRPOP with a fractional timeout (Redis >= 6); whole seconds for an older server. */
async function popReply(
  conn: Redis,
  key: Buffer,
  ms: number,
  state: { wholeSeconds: boolean },
): Promise<Buffer | null> {
  const seconds = state.wholeSeconds ? Math.max(1, Math.ceil(ms / 1000)) : Math.max(0.01, Math.round(ms) / 1000);
  try {
    const r = await conn.brpopBuffer(key, seconds);
    return r ? r[1] : null;
  } catch (e) {
    if (!state.wholeSeconds && /not an integer|out of range|not a float/i.test(String((e as Error).message))) {
      state.wholeSeconds = true;
      return popReply(conn, key, ms, state);
    }
    throw e;
  }
}

/**
 * Sends control calls to Celery workers the way `app.control.broadcast(..., reply=True)` does, all at
 * once on one reply queue, and collects the replies: binds the reply queue before publishing, pops
 * replies on a connection of its own, stops as soon as every expected worker answered every call
 * (the destination's size, else the number of subscribers PUBLISH reached), after `idleTimeoutMs`
 * without a reply, or at the deadline. Always removes its binding member and reply list, then sweeps
 * what killed runs left behind.
 */
export async function broadcast(
  redis: Redis,
  m: Mailbox,
  calls: ControlCall[],
  o: BroadcastOptions,
): Promise<BroadcastResult> {
  if (calls.length === 0) throw new UsageError('no control call to send');
  if (o.destination && o.destination.length === 0) throw new UsageError('an empty destination would reach no worker');
  if (o.signal?.aborted) throw new InterruptedError();
  const deadlineMs = Math.min(o.deadlineMs ?? o.idleTimeoutMs * 10, MAX_DEADLINE_MS);
  if (!(await anyoneListens(redis, requestChannel(m)))) return noReplies(await redisNow(redis), calls.length);
  const connecting = openReplyConnection(redis);
  connecting.catch(() => {});
  let conn: Redis | undefined;
  let bound: { member: Buffer; listKey: Buffer } | undefined;
  let cleaning: Promise<unknown> | undefined;
  // Sent at once on an interrupt, so it reaches Redis before the context closes the connection.
  const cleanUp = () =>
    (cleaning ??= bound
      ? redis
          .multi()
          .srem(replyBindingKey(m), bound.member)
          .del(bound.listKey)
          .exec()
          .catch(() => {})
      : Promise.resolve());
  const onAbort = () => {
    conn?.disconnect();
    void cleanUp();
  };
  o.signal?.addEventListener('abort', onAbort);
  try {
    const startedAt = await redisNow(redis);
    const oid = makeOid(startedAt);
    const member = replyMember(m, oid);
    const listKey = replyListKey(m, oid);
    const expires = startedAt + Math.max(o.idleTimeoutMs, deadlineMs) / 1000;
    const requests = calls.map((c) => newRequest(c.method, c.arguments ?? {}, o.destination ?? null, oid, expires));
    const byTicket = new Map(requests.map((r, i) => [r.ticket, i]));
    const res = noReplies(startedAt, calls.length);
    bound = { member, listKey };
    const p = redis.multi();
    p.sadd(replyBindingKey(m), member);
    for (const r of requests) p.publish(requestChannel(m), encodeControlRequest(m, r));
    const out = (await p.exec()) ?? [];
    const counts = out.slice(1).map(([err, n]) => {
      if (err) throw err;
      return Number(n);
    });
    res.receivers = Math.min(...counts);
    const perCall = o.destination ? Math.min(o.destination.length, res.receivers) : res.receivers;
    const answered = () =>
      res.replies.every((r, i) => r.length + res.unreadable.filter((u) => u.call === i).length >= perCall);
    conn = await connecting;
    if (o.signal?.aborted) throw new InterruptedError();
    const begin = performance.now();
    const state = { wholeSeconds: false };
    while (!answered()) {
      const left = deadlineMs - (performance.now() - begin);
      if (left <= 0) {
        res.deadlineHit = true;
        break;
      }
      const raw = await popReply(conn, listKey, Math.min(o.idleTimeoutMs, left), state);
      if (raw === null) {
        if (o.idleTimeoutMs >= left) res.deadlineHit = true;
        break;
      }
      // Replies may be queued behind this one: give the list a TTL, so a run killed now leaves nothing for long.
      redis.pexpire(listKey, 60_000).catch(() => {});
      const reply = decodeControlReply(raw);
      const call = reply.ticket === null ? undefined : byTicket.get(reply.ticket);
      if (call === undefined) res.foreign++;
      else if (reply.ok) res.replies[call].push({ hostname: reply.hostname, result: reply.result });
      else res.unreadable.push({ call, reason: reply.reason });
    }
    return res;
  } catch (e) {
    if (o.signal?.aborted) throw new InterruptedError();
    if (e instanceof LoonError) throw e;
    throw new UnavailableError(`broker: remote control failed: ${(e as Error).message}`, 'is Redis reachable?', {
      cause: e,
    });
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    connecting.then(
      (c) => c.disconnect(),
      () => {},
    );
    await cleanUp();
    if (!o.signal?.aborted) await sweepReplyLeftovers(redis, m).catch(() => {});
  }
}
