import type { Holder } from '../../lock/locks.js';
import { LockBusyError, UsageError } from '../../core/errors.js';
import { formatDuration } from '../../core/time-format.js';
import type { CommandResult } from '../../core/view.js';
import type { OptionSpec } from '../spec.js';

const MAX_TTL_MS = 24 * 3600_000;

export const PREFIX: OptionSpec = {
  name: 'prefix',
  type: 'string',
  placeholder: 'prefix',
  env: 'LOONCTL_LOCK_PREFIX',
  config: 'lockPrefix',
  description: "prepended to the name (Django cache locks: ':1:')",
};
export const TTL: OptionSpec = {
  name: 'ttl',
  type: 'duration',
  default: '30s',
  min: '1ms',
  max: '366d',
  description: 'expiry',
};
/** lock run renews every ttl/3 on a Node timer: the timer's bound applies. */
export const RUN_TTL: OptionSpec = {
  name: 'ttl',
  type: 'duration',
  default: '30s',
  min: '1ms',
  description: 'expiry, renewed every ttl/3',
};
export const ALLOW_LONG_TTL: OptionSpec = {
  name: 'allow-long-ttl',
  type: 'boolean',
  description: 'allow a TTL over 24h',
};
export const WAIT: OptionSpec = {
  name: 'wait',
  type: 'duration',
  description: 'keep trying this long (default: one attempt)',
};
export const NAME_ARG = { name: 'name', required: true, complete: 'locks' } as const;

export function checkTtl(ms: number, allowLong: boolean | undefined): number {
  if (ms > MAX_TTL_MS && !allowLong) {
    throw new UsageError(
      `--ttl of ${formatDuration(ms / 1000)} is over 24h`,
      'a lock that outlives its holder blocks everyone; add --allow-long-ttl if you mean it',
    );
  }
  return ms;
}

export function lockName(name: string, prefix?: string): string {
  if (name.trim() === '') throw new UsageError('the lock name must not be empty');
  return `${prefix ?? ''}${name}`;
}

export function ttlText(pttl: number): string {
  return pttl === -1 ? 'never expires' : formatDuration(pttl / 1000);
}

export function describeHolder(h: Holder): string {
  if (h.pttl === -2) return 'nobody';
  const parts = [
    `token ${h.token || '(empty)'}`,
    h.pttl === -1 ? 'never expires' : `${formatDuration(h.pttl / 1000)} left`,
  ];
  if (h.meta) parts.push(`${h.meta.user ? `${h.meta.user}@` : ''}${h.meta.host} pid ${h.meta.pid}: ${h.meta.command}`);
  if (h.uuid1) parts.push(`redis-py token made ${h.uuid1.time} on node ${h.uuid1.node}`);
  if (h.kind !== 'loonctl' && h.kind !== 'redis-py') parts.push(h.kind);
  return parts.join(', ');
}

export function holderJson(h: Holder): Record<string, unknown> {
  return {
    name: h.name,
    token: h.token,
    ttl_ms: h.pttl === -2 ? null : h.pttl,
    never_expires: h.pttl === -1,
    kind: h.kind,
    fence: h.fence,
    meta: h.meta,
    uuid1: h.uuid1,
  };
}

/** Busy: JSON names the holder for scripts; the error (exit 75 or the chosen code) names it for people. */
export function busy(h: Holder, isJson: boolean, code?: number): CommandResult {
  return {
    views: [],
    json: isJson ? { busy: true, holder: holderJson(h) } : undefined,
    after: new LockBusyError(`lock ${h.name} is busy: held by ${describeHolder(h)}`, undefined, code),
  };
}
