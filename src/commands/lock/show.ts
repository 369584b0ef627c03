import { NotFoundError } from '../../core/errors.js';
import { defineCommand } from '../spec.js';
import type { LockSource } from '../../lock/broker-mutex.js';
import { holderJson, lockName, lockTransport, NAME_ARG, PREFIX, separateBroker, ttlText } from './shared.js';

export const lockShow = defineCommand<{ name: string; prefix?: string }>({
  path: ['lock', 'show'],
  summary: 'holder, TTL, fence and metadata of a lock',
  args: [NAME_ARG],
  options: [PREFIX],
  examples: ['loonctl lock show nightly', 'loonctl lock show unacked_mutex --json'],
  async run(ctx, o) {
    const name = lockName(o.name, o.prefix);
    const [{ inspectLock }, { isUnackedMutexName }] = await Promise.all([
      import('../../lock/locks.js'),
      import('../../lock/broker-mutex.js'),
    ]);
    // kombu writes its unacked_mutex in the broker db, which may be another db or server than the counters.
    const sources: LockSource[] = !separateBroker(ctx)
      ? ['redis']
      : isUnackedMutexName(lockTransport(ctx), name)
        ? ['broker', 'redis']
        : ['redis', 'broker'];
    const lookup = async (s: LockSource) => inspectLock(s === 'broker' ? await ctx.broker() : await ctx.redis(), name);
    let source = sources[0];
    let h = await lookup(source);
    if (h.pttl === -2 && sources.length > 1) {
      const other = await lookup(sources[1]);
      if (other.pttl !== -2) [h, source] = [other, sources[1]];
    }
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
