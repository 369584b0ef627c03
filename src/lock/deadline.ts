import { UnavailableError } from '../core/errors.js';

/** Redis did not answer in time: the connection may be hung (a network blackhole, a frozen server). */
export class RedisHungError extends UnavailableError {}

/**
 * Bounds a Redis call. ioredis has no per-call timeout on a client made without `commandTimeout`, and
 * a blackholed connection never errors on its own; the call itself is left behind (close the client).
 */
export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  // No Promise.race and its extra promises: this wraps every lock call, so it is on the hot path.
  anchorTimerList(ms);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new RedisHungError(`Redis did not answer within ${ms} ms while ${what}`, 'is the network to Redis hung?'));
    }, ms);
    p.finally(() => clearTimeout(timer)).then(resolve, reject);
  });
}

const anchors = new Map<number, NodeJS.Timeout>();

/**
 * Node keeps one timer list per duration and tears it down (and restarts libuv's timer) whenever its last
 * timer is cleared: with calls one after another, every deadline paid for a new list, about 10 us per lock
 * call. An idle unref'd interval of the same duration keeps the list, so a deadline is a list append.
 */
function anchorTimerList(ms: number): void {
  if (anchors.has(ms) || anchors.size >= 8) return;
  anchors.set(ms, setInterval(() => {}, ms).unref());
}

/** No single Redis call of a lock is worth waiting for longer than this, whatever the TTL. */
export const CALL_TIMEOUT_CAP_MS = 10_000;

/** Node's timers hold 32-bit milliseconds; a longer delay fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** How long one call may take: between `floor` and the cap. */
export function callBudget(ms: number, floor = 50): number {
  return Math.max(floor, Math.min(ms, CALL_TIMEOUT_CAP_MS));
}

/** setTimeout with the delay clamped to what Node's timers can hold (the caller re-checks its deadline). */
export function later(fn: () => void, ms: number): NodeJS.Timeout {
  return setTimeout(fn, Math.max(0, Math.min(ms, MAX_TIMER_MS)));
}
