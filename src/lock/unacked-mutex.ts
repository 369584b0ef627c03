import type { Holder } from './locks.js';

/**
 * Who wrote kombu's `unacked_mutex`: loonctl; a redis-py Lock (kombu >= 4.6.9 and 5.x: SET NX PX, a bare
 * uuid1 hex token); or kombu 4.6.7 (LoonFlow 1.x, 2.0.0-2.0.13: SETNX then EXPIRE 300, a dashed uuid4 string).
 */
export type MutexForm = 'loonctl' | 'redis-py' | 'kombu-4.6.7' | 'unknown';

const DASHED_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function unackedMutexForm(h: Holder): MutexForm {
  if (h.kind === 'loonctl') return 'loonctl';
  if (/^[0-9a-f]{32}$/.test(h.token)) return 'redis-py';
  if (DASHED_UUID.test(h.token)) return 'kombu-4.6.7';
  return 'unknown';
}

export const NEVER_EXPIRES = 'no TTL: it will never expire by itself';

/** "42s left", or that it never expires. */
export function mutexTtlText(pttl: number): string {
  return pttl === -1 ? NEVER_EXPIRES : `${Math.ceil(pttl / 1000)}s left`;
}

export function clearMutexCommand(h: Holder): string {
  return `loonctl lock release --force ${h.name} --expect-token ${h.token}`;
}

const FORM_TEXT: Record<MutexForm, string> = {
  loonctl: 'loonctl',
  'redis-py': 'a redis-py lock (kombu 4.6.9 or later)',
  'kombu-4.6.7': 'kombu 4.6.7 (LoonFlow 1.x, 2.0.0-2.0.13)',
  unknown: 'an unknown writer',
};

/** "kombu 4.6.7 (...), token X, 12s left": what a wait is waiting for. */
export function describeUnackedMutex(h: Holder): string {
  return `${FORM_TEXT[unackedMutexForm(h)]}, token ${h.token || '(empty)'}, ${mutexTtlText(h.pttl)}`;
}

/** Machine-readable holder of the mutex (snake_case, units in names). */
export function unackedMutexJson(h: Holder): Record<string, unknown> {
  return {
    name: h.name,
    form: unackedMutexForm(h),
    token: h.token,
    ttl_ms: h.pttl >= 0 ? h.pttl : null,
    never_expires: h.pttl === -1,
  };
}
