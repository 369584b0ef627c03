import { UnavailableError } from '../core/errors.js';

/** Redis did not answer in time: the connection may be hung (a network blackhole, a frozen server). */
export class RedisHungError extends UnavailableError {}

/**
 * Bounds a Redis call. ioredis has no per-call timeout on a client made without `commandTimeout`, and
 * a blackholed connection never errors on its own; the call itself is left behind (close the client).
 */
export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisHungError(`Redis did not answer within ${ms} ms while ${what}`, 'is the network to Redis hung?')), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
