import { maskUrl } from '../../core/mask.js';
import type { Context } from '../../app/context.js';
import { table } from '../../core/view.js';
import { defineCommand } from '../spec.js';

export const configShow = defineCommand<Record<string, never>>({
  path: ['config', 'show'],
  summary: 'every effective setting with its source (flag, env var, file, default); passwords masked',
  examples: [
    'loonctl config show',
    'loonctl --profile prod config show --json',
    'REDIS_HOST=redis loonctl config show',
  ],
  async run(ctx) {
    const c = ctx.config;
    // Opening the database only to name the line would slow every `config show`: probe only when the
    // variables leave the database itself open (MySQL or PostgreSQL).
    const d = await ctx.deployment({ probe: c.databaseCandidates.length > 1 });
    warnMixedSources(ctx);
    const rows = [
      { setting: 'redis-url', value: maskUrl(c.redisUrl.value), source: c.redisUrl.source },
      { setting: 'broker-url', value: maskUrl(c.brokerUrl.value), source: c.brokerUrl.source },
      { setting: 'database-url', value: maskUrl(c.databaseUrl.value), source: c.databaseUrl.source },
      { setting: 'tz', value: c.tz.value, source: c.tz.source },
      { setting: 'zone', value: c.zone.value ?? null, source: c.zone.source },
      { setting: 'sentinel-master', value: c.sentinelMaster.value ?? null, source: c.sentinelMaster.source },
      {
        setting: 'sentinel-password',
        value: c.sentinelPassword.value ? '****' : null,
        source: c.sentinelPassword.source,
      },
      { setting: 'tls-ca', value: c.tlsCa.value ?? null, source: c.tlsCa.source },
      { setting: 'tls-cert', value: c.tlsCert.value ?? null, source: c.tlsCert.source },
      { setting: 'tls-key', value: c.tlsKey.value ?? null, source: c.tlsKey.source },
      { setting: 'key-prefix', value: c.keyPrefix.value, source: c.keyPrefix.source },
      { setting: 'timeout', value: `${c.timeoutMs.value}ms`, source: c.timeoutMs.source },
      { setting: 'profile', value: c.profile.value ?? null, source: c.profile.source },
      { setting: 'config', value: c.configFile.value ?? null, source: c.configFile.source },
      {
        setting: 'loonflow-settings',
        value: c.loonflowSettings.value ?? null,
        source: c.loonflowSettings.source,
      },
      { setting: 'loonflow', value: d.line, source: `${d.how}: ${d.detail}` },
    ];
    const view = table(rows, [
      { header: 'SETTING', value: (r) => r.setting, tone: () => 'bold' },
      { header: 'VALUE', min: 20, value: (r) => r.value ?? '-' },
      { header: 'SOURCE', min: 12, value: (r) => r.source, tone: () => 'dim' },
    ]);
    return {
      views: [view],
      json: Object.fromEntries(rows.map((r) => [r.setting, { value: r.value, source: r.source }])),
    };
  },
});

/** Redis from LoonFlow's container and the database from a profile (or the reverse) is rarely meant. */
function warnMixedSources(ctx: Context): void {
  const c = ctx.config;
  const kind = (source: string) =>
    (source.startsWith('env ') && !source.startsWith('env LOONCTL_')) || source.startsWith('settings ')
      ? 'LoonFlow variables'
      : source.startsWith('file ')
        ? 'the config file'
        : null;
  const redis = kind(c.redisUrl.source);
  const db = kind(c.databaseUrl.source);
  if (redis && db && redis !== db)
    ctx.out.warn(`Redis comes from ${redis} but the database from ${db}: check both point at one deployment`);
}
