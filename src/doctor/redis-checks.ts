import type { Redis } from 'ioredis';
import { UsageError } from '../core/errors.js';
import { maskUrl } from '../core/mask.js';
import { check, type CheckResult } from './check.js';

/** Parses `INFO` output into a flat map. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

function versionAtLeast(v: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = v.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/** Reachability, version and role of the counters/locks Redis (the eviction policy: eviction-check.ts). */
export async function redisChecks(open: () => Promise<Redis>, url: string): Promise<CheckResult[]> {
  let client: Redis;
  try {
    client = await open();
    await client.ping();
  } catch (e) {
    if (e instanceof UsageError) throw e; // a malformed URL is the operator's typo, not a health finding
    return [check('redis', 'fail', (e as Error).message, { url: maskUrl(url) })];
  }
  const results = [check('redis', 'ok', `reachable at ${maskUrl(url)}`, { url: maskUrl(url) })];
  let info: Record<string, string>;
  try {
    info = parseInfo(await client.info());
  } catch (e) {
    // An ACL user without INFO (NOPERM) can still use counters and locks: report, do not crash.
    const first = (e as Error).message.split('\n')[0];
    const why = `cannot read INFO (${first}): version and role unchecked`;
    return [...results, check('redis version', 'warn', why)];
  }
  const version = info.redis_version ?? 'unknown';
  results.push(
    versionAtLeast(version, 6, 2)
      ? check('redis version', 'ok', version, { version })
      : check('redis version', 'warn', `${version} (6.2 or later recommended)`, { version }),
  );
  const role = info.role ?? 'unknown';
  results.push(
    role === 'master'
      ? check('redis role', 'ok', 'master', { role })
      : check('redis role', 'warn', `${role}: a replica is read-only, counters and locks cannot be written`, { role }),
  );
  return results;
}

/** The Celery broker: reachable, and which db. Skipped when it is the same server and db. */
export async function brokerCheck(open: () => Promise<Redis>, url: string, sameAsRedis: boolean): Promise<CheckResult> {
  if (sameAsRedis) return check('broker', 'ok', 'same as redis', { url: maskUrl(url) });
  try {
    const client = await open();
    await client.ping();
    return check('broker', 'ok', `reachable at ${maskUrl(url)}`, { url: maskUrl(url) });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return check('broker', 'fail', (e as Error).message, { url: maskUrl(url) });
  }
}
