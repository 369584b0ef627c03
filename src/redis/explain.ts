import type { RedisOptions } from 'ioredis';
import { UnavailableError } from '../core/errors.js';
import { maskUrl } from '../core/mask.js';
import { speaksPlainRedis, speaksTls, tlsPingError } from './probe.js';
import { explainTls } from './tls.js';

const AUTH_FAILED = /WRONGPASS|NOAUTH|invalid password|AUTH.*without any password|invalid username-password/i;

/** Maps a driver error from connecting or talking to Redis into our typed error. */
export function redisUnavailable(err: unknown, url: string, role: string): UnavailableError {
  const msg = (err as Error)?.message ?? String(err);
  const where = `${role} ${maskUrl(url)}`;
  if (AUTH_FAILED.test(msg)) {
    return new UnavailableError(`${where}: authentication failed`, 'check the password in the URL or REDIS_PASSWORD', { cause: err });
  }
  if (/timeout|ETIMEDOUT/i.test(msg)) {
    return new UnavailableError(`${where}: connect timed out`, 'is the host right and reachable? raise --timeout if the network is slow', { cause: err });
  }
  return new UnavailableError(`cannot reach ${where}: ${msg}`, 'is Redis running? check --redis-url / --broker-url', { cause: err });
}

/** What went wrong asking the sentinels (ioredis words it "All sentinels are unreachable ... Last error: X"). */
function explainSentinel(msg: string, o: RedisOptions): { what: string; hint: string } | undefined {
  if (!/All sentinels are unreachable/i.test(msg)) return undefined;
  if (AUTH_FAILED.test(msg)) {
    return {
      what: 'the sentinels rejected the password (or wanted one)',
      hint: "give the sentinels' password with --sentinel-password or LOONCTL_SENTINEL_PASSWORD (Celery's sentinel_kwargs); the URL's password is the master's",
    };
  }
  if (/No such master/i.test(msg)) {
    return { what: `the sentinels know no master named '${o.name}'`, hint: "check --sentinel-master / LOONCTL_SENTINEL_MASTER (Celery's master_name transport option)" };
  }
  const addrs = (o.sentinels ?? []).map((s) => `${s.host}:${s.port}`).join(', ');
  return { what: `no sentinel answered (${addrs})`, hint: 'are the sentinels running? check the sentinel:// list' };
}

/** The most useful error for a failed connect: sentinel and TLS trouble in words, else the generic mapping. */
export async function explainConnectFailure(cause: unknown, url: string, o: RedisOptions, role: string, timeoutMs: number): Promise<UnavailableError> {
  const where = `${role} ${maskUrl(url)}`;
  const msg = String((cause as Error)?.message ?? cause);
  const known = explainSentinel(msg, o) ?? explainTls(cause);
  if (known) return new UnavailableError(`${where}: ${known.what}`, known.hint, { cause });
  if (o.sentinels && AUTH_FAILED.test(msg)) {
    return new UnavailableError(`${where}: the master '${o.name}' rejected the password`, "the password in each sentinel:// address is the master's", { cause });
  }
  const dropped = /ECONNRESET|EPIPE|Connection is closed|socket hang up|timeout|ETIMEDOUT/i.test(`${(cause as NodeJS.ErrnoException)?.code} ${msg}`);
  if (dropped && !o.sentinels && !o.path && o.port) {
    const host = o.host ?? '127.0.0.1';
    const probeMs = Math.min(1000, timeoutMs);
    if (o.tls && (await speaksPlainRedis(host, o.port, probeMs))) {
      return new UnavailableError(`${where}: the server does not speak TLS (a plain-text Redis answers there)`, 'use redis:// for a plain-text server', { cause });
    }
    const again = o.tls ? explainTls(await tlsPingError(host, o.port, o.tls, probeMs)) : undefined;
    if (again) return new UnavailableError(`${where}: ${again.what}`, again.hint, { cause });
    if (!o.tls && (await speaksTls(host, o.port, probeMs))) {
      return new UnavailableError(`${where}: the server speaks only TLS`, 'use rediss:// (with ssl_ca_certs=FILE or --tls-ca FILE)', { cause });
    }
  }
  return redisUnavailable(cause, url, role);
}
