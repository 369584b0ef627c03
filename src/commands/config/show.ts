import { maskUrl } from '../../core/mask.js';
import { table } from '../../core/view.js';
import { defineCommand } from '../spec.js';

export const configShow = defineCommand<Record<string, never>>({
  path: ['config', 'show'],
  summary: 'every effective setting with its source (flag, env var, file, default); passwords masked',
  examples: ['loonctl config show', 'loonctl --profile prod config show --json', 'REDIS_HOST=redis loonctl config show'],
  async run(ctx) {
    const c = ctx.config;
    const rows = [
      { setting: 'redis-url', value: maskUrl(c.redisUrl.value), source: c.redisUrl.source },
      { setting: 'broker-url', value: maskUrl(c.brokerUrl.value), source: c.brokerUrl.source },
      { setting: 'database-url', value: maskUrl(c.databaseUrl.value), source: c.databaseUrl.source },
      { setting: 'tz', value: c.tz.value, source: c.tz.source },
      { setting: 'zone', value: c.zone.value ?? null, source: c.zone.source },
      { setting: 'sentinel-master', value: c.sentinelMaster.value ?? null, source: c.sentinelMaster.source },
      { setting: 'key-prefix', value: c.keyPrefix.value, source: c.keyPrefix.source },
      { setting: 'timeout', value: `${c.timeoutMs.value}ms`, source: c.timeoutMs.source },
      { setting: 'profile', value: c.profile.value ?? null, source: c.profile.source },
      { setting: 'config', value: c.configFile.value ?? null, source: c.configFile.source },
    ];
    const view = table(rows, [
      { header: 'SETTING', value: (r) => r.setting, tone: () => 'bold' },
      { header: 'VALUE', min: 20, value: (r) => r.value ?? '-' },
      { header: 'SOURCE', min: 12, value: (r) => r.source, tone: () => 'dim' },
    ]);
    return { views: [view], json: Object.fromEntries(rows.map((r) => [r.setting, { value: r.value, source: r.source }])) };
  },
});
