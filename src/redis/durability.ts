import type { Redis } from 'ioredis';
import { UnavailableError } from '../core/errors.js';

/**
 * Sentinel fails over asynchronously: it promotes a replica, and the old master goes on accepting writes
 * for seconds (until the sentinels demote it and it resyncs from the new master, dropping them). A write
 * that is not on a replica may therefore vanish after loonctl reported it. So on a Sentinel-managed master
 * that had replicas when we connected, loonctl reports a write only once a replica has it (WAIT 1).
 */
interface Policy {
  waitMs: number;
}
const policies = new WeakMap<Redis, Policy>();

/** Called by connectRedis for a Sentinel-managed master with at least one replica connected. */
export function requireReplicaAcks(client: Redis, waitMs: number): void {
  policies.set(client, { waitMs });
}

/** Whether writes on this client are confirmed by a replica before they count. */
export function confirmsWrites(client: Redis): boolean {
  return policies.has(client);
}

/** No replica confirmed a write in time: Redis is failing over, or the master lost its replicas. */
export class NotReplicatedError extends UnavailableError {
  constructor(waitMs: number) {
    super(
      `no replica confirmed the write within ${waitMs} ms: Redis is failing over or lost its replicas`,
      'check the sentinels (SENTINEL MASTERS)',
    );
  }
}

/** Waits until a replica holds every write this connection made; a no-op where no policy applies. */
export async function confirmWrites(client: Redis): Promise<void> {
  const p = policies.get(client);
  if (!p) return;
  const acks = Number(await client.wait(1, p.waitMs));
  if (acks < 1) throw new NotReplicatedError(p.waitMs);
}

const CONNECTION_TROUBLE = new RegExp(
  [
    'Connection is closed',
    "Stream isn't writeable",
    'ECONNRESET|EPIPE|ECONNREFUSED|ETIMEDOUT|socket hang up',
    'MaxRetriesPerRequest',
    'READONLY|LOADING|MASTERDOWN|NOREPLICAS',
  ].join('|'),
  'i',
);

/** Whether an error means the connection or the master went away mid-command (rather than a bug or bad data). */
export function isConnectionTrouble(e: unknown): boolean {
  if (e instanceof NotReplicatedError) return true;
  const err = e as NodeJS.ErrnoException | undefined;
  return CONNECTION_TROUBLE.test(`${err?.code ?? ''} ${err?.name ?? ''} ${err?.message ?? ''}`);
}

/**
 * Turns connection trouble in the middle of a multi-step change into one clear error saying what is
 * certain (`done`) and what to do; other errors pass through unchanged.
 */
export function interrupted(e: unknown, done: string, next: string): unknown {
  if (!isConnectionTrouble(e)) return e;
  const why = e instanceof NotReplicatedError ? e.message : `lost the connection to Redis (${(e as Error).message})`;
  return new UnavailableError(`${why}; ${done}`, next, { cause: e });
}
