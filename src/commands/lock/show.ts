import { NotFoundError } from '../../core/errors.js';
import { defineCommand } from '../spec.js';
import { lockHome } from './home.js';
import { holderJson, lockName, NAME_ARG, PREFIX, ttlText } from './shared.js';

export const lockShow = defineCommand<{ name: string; prefix?: string }>({
  path: ['lock', 'show'],
  redis: 'lean',
  summary: 'holder, TTL, fence and metadata of a lock',
  args: [NAME_ARG],
  options: [PREFIX],
  examples: ['loonctl lock show nightly', 'loonctl lock show unacked_mutex --json'],
  async run(ctx, o) {
    const name = lockName(o.name, o.prefix);
    const { inspectLock } = await import('../../lock/locks.js');
    const { redis, source } = await lockHome(ctx, name);
    const h = await inspectLock(redis, name);
    if (h.pttl === -2) throw new NotFoundError(`lock ${name} is not held`);
    const holder = h.meta
      ? `${h.meta.user ? `${h.meta.user}@` : ''}${h.meta.host} pid ${h.meta.pid}`
      : h.uuid1
        ? `redis-py on node ${h.uuid1.node}`
        : '-';
    const acquired = h.meta?.acquired_at_us
      ? new Date(Number(h.meta.acquired_at_us) / 1000).toISOString()
      : (h.uuid1?.time ?? '-');
    const fields = {
      name: h.name,
      kind: h.kind,
      token: h.token,
      ttl: ttlText(h.pttl),
      fence: h.fence ?? '-',
      holder,
      command: h.meta?.command ?? '-',
      acquired,
      db: source,
    };
    return {
      views: [{ kind: 'record', fields, tones: { ttl: h.pttl === -1 ? 'warn' : undefined } }],
      json: { ...holderJson(h), source },
    };
  },
});
