import type { RedisOptions } from 'ioredis';
import { UnavailableError } from '../core/errors.js';
import { maskUrl } from '../core/mask.js';
import { speaksPlainRedis, speaksTls, tlsPingError } from './probe.js';
import { explainTls } from './tls.js';

const AUTH_FAILED = /WRONGPASS|NOAUTH|invalid password|AUTH.*without any password|invalid username-password/i;

type Explained = { what: string; hint: string };

/** Maps a driver error from connecting or talking to Redis into our typed error. */
export function redisUnavailable(err: unknown, url: string, role: string): UnavailableError {
  const msg = (err as Error)?.message ?? String(err);
  const where = `${role} ${maskUrl(url)}`;
  const fail = (what: string, hint: string) => new UnavailableError(what, hint, { cause: err });
  if (AUTH_FAILED.test(msg)) {
    return fail(`${where}: authentication failed`, 'check the password in the URL or REDIS_PASSWORD');
  }
  if (/timeout|ETIMEDOUT/i.test(msg)) {
    const hint = 'is the host right and reachable? raise --timeout if the network is slow';
    return fail(`${where}: connect timed out`, hint);
  }
  return fail(`cannot reach ${where}: ${msg}`, 'is Redis running? check --redis-url / --broker-url');
}

/** What went wrong asking the sentinels (ioredis words it "All sentinels are unreachable ... Last error: X"). */
function explainSentinel(msg: string, o: RedisOptions): Explained | undefined {
  if (!/All sentinels are unreachable/i.test(msg)) return undefined;
  if (AUTH_FAILED.test(msg)) {
    return {
      what: 'the sentinels rejected the password (or wanted one)',
      hint:
        "give the sentinels' password with --sentinel-password or LOONCTL_SENTINEL_PASSWORD (Celery's " +
        "sentinel_kwargs); the URL's password is the master's",
    };
  }
  if (/No such master/i.test(msg)) {
    return {
      what: `the sentinels know no master named '${o.name}'`,
      hint: "check --sentinel-master / LOONCTL_SENTINEL_MASTER (Celery's master_name transport option)",
    };
  }
  const addrs = (o.sentinels ?? []).map((s) => `${s.host}:${s.port}`).join(', ');
  return { what: `no sentinel answered (${addrs})`, hint: 'are the sentinels running? check the sentinel:// list' };
}

/** A second look at a plain or TLS server that dropped us: which protocol does it really speak? */
async function explainDropped(o: RedisOptions, timeoutMs: number): Promise<Explained | undefined> {
  const host = o.host ?? '127.0.0.1';
  const port = o.port!;
  const probeMs = Math.min(1000, timeoutMs);
  if (o.tls) {
    if (await speaksPlainRedis(host, port, probeMs)) {
      const what = 'the server does not speak TLS (a plain-text Redis answers there)';
      return { what, hint: 'use redis:// for a plain-text server' };
    }
    return explainTls(await tlsPingError(host, port, o.tls, probeMs));
  }
  if (await speaksTls(host, port, probeMs)) {
    return { what: 'the server speaks only TLS', hint: 'use rediss:// (with ssl_ca_certs=FILE or --tls-ca FILE)' };
  }
  return undefined;
}

/** The most useful error for a failed connect: sentinel and TLS trouble in words, else the generic mapping. */
export async function explainConnectFailure(
  cause: unknown,
  url: string,
  o: RedisOptions,
  role: string,
  timeoutMs: number,
): Promise<UnavailableError> {
  const where = `${role} ${maskUrl(url)}`;
  const msg = String((cause as Error)?.message ?? cause);
  const fail = (e: Explained) => new UnavailableError(`${where}: ${e.what}`, e.hint, { cause });
  const known = explainSentinel(msg, o) ?? explainTls(cause);
  if (known) return fail(known);
  if (o.sentinels && AUTH_FAILED.test(msg)) {
    const hint = "the password in each sentinel:// address is the master's";
    return fail({ what: `the master '${o.name}' rejected the password`, hint });
  }
  const code = (cause as NodeJS.ErrnoException)?.code;
  const dropped = /ECONNRESET|EPIPE|Connection is closed|socket hang up|timeout|ETIMEDOUT/i.test(`${code} ${msg}`);
  const second = dropped && !o.sentinels && !o.path && o.port ? await explainDropped(o, timeoutMs) : undefined;
  return second ? fail(second) : redisUnavailable(cause, url, role);
}
