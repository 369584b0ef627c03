import type { Holder } from '../../lock/locks.js';
import type { LockSource } from '../../lock/broker-mutex.js';
import { table } from '../../core/view.js';
import { defineCommand } from '../spec.js';
import { lockTransport, separateBroker } from './home.js';
import { holderJson, ttlText } from './shared.js';

type Found = Holder & { source: LockSource };

export const lockList = defineCommand<{ match: string }>({
  path: ['lock', 'list'],
  redis: 'lean',
  summary:
    'lock-like keys (SCAN): loonctl, redis-py, kombu unacked_mutex (also from the broker db), ' +
    'celery-once qo_*, python-redis-lock lock:*, Django :1:*',
  options: [
    { name: 'match', type: 'string', placeholder: 'glob', default: '*', description: 'only names matching this glob' },
  ],
  examples: ['loonctl lock list', 'loonctl lock list --match "qo_*" -o wide'],
  async run(ctx, o) {
    const [{ listLocks }, { brokerUnackedMutex }] = await Promise.all([
      import('../../lock/list.js'),
      import('../../lock/broker-mutex.js'),
    ]);
    const locks: Found[] = (await listLocks(await ctx.redis(), o.match)).map((h) => ({ ...h, source: 'redis' }));
    if (separateBroker(ctx)) {
      const m = await brokerUnackedMutex(await ctx.broker(), lockTransport(ctx), o.match);
      if (m) locks.push({ ...m, source: 'broker' });
    }
    const view = table<Found>(
      locks,
      [
        { header: 'NAME', min: 16, value: (h) => h.name },
        { header: 'KIND', value: (h) => h.kind, priority: 3 },
        {
          header: 'TTL',
          value: (h) => ttlText(h.pttl),
          tone: (h) => (h.pttl === -1 ? 'warn' : undefined),
          align: 'right',
        },
        { header: 'DB', value: (h) => h.source, priority: 2 },
        { header: 'FENCE', value: (h) => h.fence ?? '', priority: 4 },
        { header: 'HOLDER', min: 12, priority: 2, value: (h) => holderText(h) },
        { header: 'TOKEN', value: (h) => h.token, wide: true },
        { header: 'COMMAND', value: (h) => h.meta?.command ?? '', wide: true },
      ],
      { empty: 'no locks' },
    );
    return { views: [view], json: locks.map((h) => ({ ...holderJson(h), source: h.source })) };
  },
});

function holderText(h: Holder): string {
  if (h.meta) return `${h.meta.host} pid ${h.meta.pid}`;
  return h.uuid1 ? `node ${h.uuid1.node}` : '';
}
