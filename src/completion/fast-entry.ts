import type { ConfigFlags } from '../core/config.js';

const FLAG_NAMES: Record<string, keyof ConfigFlags> = {
  '--redis-url': 'redisUrl',
  '--broker-url': 'brokerUrl',
  '--config': 'config',
  '--profile': 'profile',
  '--sentinel-master': 'sentinelMaster',
  '--key-prefix': 'keyPrefix',
};

/**
 * `loonctl __complete <kind> [prefix] [connection flags]`, answered without loading commander or
 * the command tree: the shells call it on every Tab press.
 */
export async function runComplete(args: string[], budgetMs: number, given: ConfigFlags = {}): Promise<void> {
  const flags: ConfigFlags = { ...given };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const key = FLAG_NAMES[name];
    if (key) {
      flags[key] = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : args[++i];
    } else if (!a.startsWith('-') || positional.length === 1) {
      positional.push(a);
    }
  }
  const [kind = '', prefix = ''] = positional;
  const { completeNames } = await import('./complete-names.js');
  const names = await completeNames(kind, prefix, flags, budgetMs);
  if (names.length) process.stdout.write(names.join('\n') + '\n');
}
