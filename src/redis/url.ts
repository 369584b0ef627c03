import type { RedisOptions } from 'ioredis';
import { UsageError } from '../core/errors.js';
import { maskUrl, rememberUrlSecrets, splitUrlList } from '../core/mask.js';
import { mergeTls, tlsConnectionOptions, tlsFromQuery, type TlsSettings } from './tls.js';

/** Settings that live beside the URL (flags, LOONCTL_* variables, the config file). */
export interface UrlExtras {
  /** For `rediss://`: wins over the URL's ssl_* query, field by field. */
  tls?: TlsSettings;
  /** The sentinels' own password (Celery's `sentinel_kwargs={'password': ...}`); the URL's is the master's. */
  sentinelPassword?: string;
}

/**
 * Turns a Redis URL into ioredis options. Accepts `redis://`, `rediss://` (TLS), `unix://` and
 * `socket://` (socket path), and Celery's sentinel form `sentinel://:pw@h1:26379;sentinel://h2:26379/0`.
 * As in redis-py, `?password=` and `?username=` are used when the userinfo has none (the only way to
 * give a unix socket a password: `unix://:pw@/path` is no URL).
 * The only I/O is reading TLS files, so a malformed URL or a missing CA file is a usage error before
 * anything connects.
 */
export function redisOptionsFromUrl(url: string, sentinelMaster?: string, extras: UrlExtras = {}): RedisOptions {
  rememberUrlSecrets(url);
  const bad = (why: string) =>
    new UsageError(`malformed Redis URL ${maskUrl(url)}: ${why}`, 'expected redis://[:password@]host[:port][/db]');
  const scheme = /^([a-z]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (!scheme) throw bad('no scheme');

  if (scheme === 'sentinel') {
    const parts = splitUrlList(url)
      .map((p) => p.trim())
      .filter(Boolean);
    const sentinels: { host: string; port: number }[] = [];
    let password: string | undefined;
    let db = 0;
    for (const p of parts) {
      const u = parse(p, bad);
      if (u.protocol !== 'sentinel:') throw bad('every address in a sentinel list must be sentinel://');
      sentinels.push({ host: u.hostname, port: Number(u.port || 26379) });
      password = credentials(u, bad).password ?? password;
      if (u.pathname.length > 1) db = parseDb(u.pathname.slice(1), bad);
    }
    if (!sentinelMaster) {
      throw new UsageError(
        'a sentinel:// URL needs the master name',
        'pass --sentinel-master or set LOONCTL_SENTINEL_MASTER',
      );
    }
    return { sentinels, name: sentinelMaster, password, db, sentinelPassword: extras.sentinelPassword || undefined };
  }

  const u = parse(url, bad);
  const { username, password } = credentials(u, bad);
  const dbParam = u.searchParams.get('db');

  if (scheme === 'unix' || scheme === 'socket') {
    const path = decode(u.pathname, bad);
    if (!path || path === '/') throw bad('no socket path');
    return { path, username, password, db: dbParam ? parseDb(dbParam, bad) : 0 };
  }
  if (scheme !== 'redis' && scheme !== 'rediss') throw bad(`unsupported scheme '${scheme}'`);
  if (!u.hostname) throw bad('no host');
  const port = u.port ? Number(u.port) : 6379;
  const dbPath = u.pathname.length > 1 ? u.pathname.slice(1) : dbParam;
  const opts: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    username,
    password,
    db: dbPath ? parseDb(dbPath, bad) : 0,
  };
  if (scheme === 'rediss') opts.tls = tlsConnectionOptions(mergeTls(tlsFromQuery(u.searchParams), extras.tls));
  return opts;
}

function parse(url: string, bad: (why: string) => Error): URL {
  try {
    return new URL(url);
  } catch {
    throw bad('cannot parse');
  }
}

/** The userinfo's user and password, else the query's (redis-py lets the userinfo win). */
function credentials(u: URL, bad: (why: string) => Error): { username?: string; password?: string } {
  const username = (u.username ? decode(u.username, bad) : u.searchParams.get('username')) || undefined;
  const password = (u.password ? decode(u.password, bad) : u.searchParams.get('password')) || undefined;
  return { username, password };
}

function decode(text: string, bad: (why: string) => Error): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw bad('bad percent-encoding (a % not followed by two hex digits; write a literal % as %25)');
  }
}

function parseDb(text: string, bad: (why: string) => Error): number {
  if (!/^\d+$/.test(text)) throw bad(`database index '${text}' is not a number`);
  return Number(text);
}
