import type { Holder } from '../../lock/locks.js';
import { table } from '../../core/view.js';
import { defineCommand } from '../spec.js';
import { holderJson, ttlText } from './shared.js';

export const lockList = defineCommand<{ match: string }>({
  path: ['lock', 'list'],
  summary:
    'lock-like keys (SCAN): loonctl, redis-py, kombu unacked_mutex, celery-once qo_*, ' +
    'python-redis-lock lock:*, Django :1:*',
  options: [
    { name: 'match', type: 'string', placeholder: 'glob', default: '*', description: 'only names matching this glob' },
  ],
  examples: ['loonctl lock list', 'loonctl lock list --match "qo_*" -o wide'],
  async run(ctx, o) {
    const { listLocks } = await import('../../lock/list.js');
    const locks = await listLocks(await ctx.redis(), o.match);
    const view = table<Holder>(
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
        { header: 'FENCE', value: (h) => h.fence ?? '', priority: 4 },
        { header: 'HOLDER', min: 12, priority: 2, value: (h) => holderText(h) },
        { header: 'TOKEN', value: (h) => h.token, wide: true },
        { header: 'COMMAND', value: (h) => h.meta?.command ?? '', wide: true },
      ],
      { empty: 'no locks' },
    );
    return { views: [view], json: locks.map(holderJson) };
  },
});

function holderText(h: Holder): string {
  if (h.meta) return `${h.meta.host} pid ${h.meta.pid}`;
  return h.uuid1 ? `node ${h.uuid1.node}` : '';
}
