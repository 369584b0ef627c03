import { makeTransport } from '../celery/transport.js';
import { resolveConfig, type ConfigFlags } from '../core/config.js';
import { MiniRedis } from '../redis/mini-client.js';
import { redisOptionsFromUrl } from '../redis/url.js';
import { lockNames, queueNames, type RedisCall } from './names.js';

/**
 * Answers `loonctl __complete <kind> <prefix>` for the shell scripts: within `budgetMs` or with
 * nothing, and never with an error (a completion must not print into the operator's terminal).
 */
export async function completeNames(
  kind: string,
  prefix: string,
  flags: ConfigFlags,
  budgetMs: number,
): Promise<string[]> {
  const deadline = Date.now() + budgetMs;
  const closers: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const work = (async () => {
    const config = resolveConfig(flags);
    if (kind === 'profiles') {
      const { profileNames } = await import('./profiles.js');
      return profileNames(config.configFile.value).filter((p) => p.startsWith(prefix));
    }
    if (kind !== 'queues' && kind !== 'locks' && kind !== 'workers') return [];
    const url = kind === 'locks' ? config.redisUrl.value : config.brokerUrl.value;
    const call = await openCaller(url, config.sentinelMaster.value, Math.max(20, deadline - Date.now() - 20), closers);
    const t = makeTransport({ keyPrefix: config.keyPrefix.value });
    if (kind === 'queues') return queueNames(call, t, prefix, deadline);
    if (kind === 'workers') {
      const { workerNames } = await import('./worker-names.js');
      return workerNames(call, t, redisOptionsFromUrl(url, config.sentinelMaster.value).db ?? 0, prefix, deadline);
    }
    return lockNames(call, prefix, deadline);
  })();
  const late = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([]), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work.catch(() => [] as string[]), late]);
  } finally {
    clearTimeout(timer);
    work.finally(() => closers.forEach((c) => c())).catch(() => {});
    closers.forEach((c) => c());
  }
}

async function openCaller(
  url: string,
  sentinelMaster: string | undefined,
  timeoutMs: number,
  closers: (() => void)[],
): Promise<RedisCall> {
  const opts = redisOptionsFromUrl(url, sentinelMaster);
  if (opts.sentinels) {
    // Sentinel needs master discovery: worth ioredis' import cost in that rare set-up.
    const { connectRedis } = await import('../redis/connect.js');
    const client = await connectRedis(url, { timeoutMs, sentinelMaster, role: 'broker' });
    closers.push(() => client.disconnect());
    return (...args) => client.callBuffer(String(args[0]), ...args.slice(1)) as Promise<never>;
  }
  const client = await MiniRedis.open(opts, timeoutMs);
  closers.push(() => client.close());
  return (...args) => client.call(...args);
}
