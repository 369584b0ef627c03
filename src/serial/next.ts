import type { Redis } from 'ioredis';
import { UnavailableError, UsageError } from '../core/errors.js';
import { confirmWrites, NotReplicatedError } from '../redis/durability.js';
import { reserveIfExists, reserveWithInit } from './counter.js';
import { counterKey, formatSerial } from './format.js';

/** The most output one `serial next` may produce (the serials are built and printed in memory). */
export const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

export interface NextOptions {
  date: string;
  count: number;
  prefix: string;
  zone?: string | null;
  /** Where to start a day whose counter is absent, instead of asking the database. */
  initFrom?: number;
  /** Highest number already used that day according to the database: max(rows, highest sequence). */
  loadInit: () => Promise<number>;
}

export interface NextResult {
  date: string;
  key: string;
  first: number;
  last: number;
  /** Set when this call found the day's counter absent and started it. */
  initialisedFrom: number | null;
  serials: string[];
}

/**
 * Reserves `count` serials for a day. One round trip when the counter exists; otherwise reads the
 * database and initialises atomically (concurrent callers, LoonFlow included, agree on one sequence).
 */
export async function nextSerials(redis: Redis, o: NextOptions): Promise<NextResult> {
  // Checked before the counter moves: a list too large to print must not cost the day its numbers.
  const lineBytes = formatSerial(o.prefix, o.zone, o.date, o.count).length + 1; // at least as wide as this
  if (o.count * lineBytes > MAX_OUTPUT_BYTES) {
    const mib = Math.ceil((o.count * lineBytes) / 1048576);
    const most = Math.floor(MAX_OUTPUT_BYTES / lineBytes);
    const why = `--count ${o.count}: the serials would take ${mib} MiB of output`;
    throw new UsageError(why, `reserve at most ${most} at a time`);
  }
  let last = await reserveIfExists(redis, o.date, o.count);
  let initialisedFrom: number | null = null;
  if (last === null) {
    let init: number;
    if (o.initFrom !== undefined) init = o.initFrom;
    else {
      try {
        init = await o.loadInit();
      } catch (e) {
        if (e instanceof UnavailableError) {
          throw new UnavailableError(
            `${counterKey(o.date)} is not set and the database cannot tell where to start: ${e.message}`,
            'pass --init-from N to start after serial N',
          );
        }
        throw e;
      }
    }
    initialisedFrom = init;
    last = await reserveWithInit(redis, o.date, o.count, init);
  }
  try {
    await confirmWrites(redis);
  } catch (e) {
    if (!(e instanceof NotReplicatedError)) throw e;
    // Printing them could hand them out twice: the new master may never have seen this reservation.
    const what = `${e.message}; the ${o.count} serial(s) reserved are not printed (a gap, never a repeat)`;
    throw new UnavailableError(what, 'run the command again', { cause: e });
  }
  const first = last - o.count + 1;
  const serials = new Array<string>(o.count);
  for (let i = 0; i < o.count; i++) serials[i] = formatSerial(o.prefix, o.zone, o.date, first + i);
  return { date: o.date, key: counterKey(o.date), first, last, initialisedFrom, serials };
}
