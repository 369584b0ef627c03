import type { Command } from 'commander';
import { maskUrl } from '../core/mask.js';
import { action, examples } from './action.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('show the effective configuration');
  examples(config, ['loonctl config show', 'loonctl --profile prod config show']);
  examples(
    config
      .command('show')
      .description('every effective setting with its source (flag, env var, file, default); passwords masked')
      .action(
        action(async (ctx) => {
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
          ctx.out.table(
            rows,
            [
              { header: 'SETTING', value: (r) => r.setting, tone: () => 'bold' },
              { header: 'VALUE', value: (r) => r.value ?? '-' },
              { header: 'SOURCE', value: (r) => r.source, tone: () => 'dim' },
            ],
            { json: Object.fromEntries(rows.map((r) => [r.setting, { value: r.value, source: r.source }])) },
          );
        }),
      ),
    ['loonctl config show', 'loonctl --profile prod config show --json', 'REDIS_HOST=redis loonctl config show'],
  );
}
