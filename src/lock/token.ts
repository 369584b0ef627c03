import { lazyCrypto } from '../core/lazy-builtins.js';

/**
 * A token in redis-py's shape: 32 lowercase hex characters (122 random bits). randomUUID draws from a
 * buffered pool: cheaper than randomBytes on every acquire. Version nibble 4: never taken for a uuid1.
 */
export function newToken(): string {
  return lazyCrypto().randomUUID().replace(/-/g, '');
}

export function isToken(s: string): boolean {
  return /^[0-9a-f]{32}$/.test(s);
}

export interface Uuid1Info {
  /** When the token was made (redis-py uses uuid1: a timestamp and the node's MAC address). */
  time: string;
  node: string;
}

// 100-ns intervals between the UUID epoch (1582-10-15) and the Unix epoch.
const UUID_EPOCH_OFFSET = 122192928000000000n;

/** Decodes a uuid1 hex token (redis-py `uuid1().hex`); undefined for anything else. */
export function decodeUuid1(token: string): Uuid1Info | undefined {
  if (!isToken(token) || token[12] !== '1') return undefined;
  const timeLow = BigInt(`0x${token.slice(0, 8)}`);
  const timeMid = BigInt(`0x${token.slice(8, 12)}`);
  const timeHi = BigInt(`0x${token.slice(13, 16)}`);
  const ticks = (timeHi << 48n) | (timeMid << 32n) | timeLow;
  const ms = Number((ticks - UUID_EPOCH_OFFSET) / 10000n);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const node = token.slice(20).match(/../g)!.join(':');
  return { time: new Date(ms).toISOString(), node };
}
