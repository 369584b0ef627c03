import { completeBudgetMs } from '../../completion/budget.js';
import { defineCommand } from '../spec.js';

/**
 * Answered by src/completion/fast-entry.ts before commander loads (see main.ts); declared here only so
 * that commander accepts it when it comes after global options.
 */
export const complete = defineCommand<{ words: string[] }>({
  path: ['__complete'],
  summary: 'names for shell completion: queues, locks, profiles',
  hidden: true,
  looseArgs: true,
  args: [{ name: 'words', variadic: true }],
  examples: [],
  async run(ctx, o) {
    const { runComplete } = await import('../../completion/fast-entry.js');
    const c = ctx.config;
    const flag = <T>(s: { value: T; source: string }) => (s.source === 'flag' ? s.value : undefined);
    await runComplete(o.words, completeBudgetMs(process.env), {
      redisUrl: flag(c.redisUrl),
      brokerUrl: flag(c.brokerUrl),
      config: flag(c.configFile),
      profile: flag(c.profile),
      sentinelMaster: flag(c.sentinelMaster),
      keyPrefix: flag(c.keyPrefix),
    });
    return undefined;
  },
});
