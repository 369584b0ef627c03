import type { Redis } from 'ioredis';
import { redisNow } from '../read.js';
import { OID_PREFIX, oidTime, replyBindingKey, replyExchangeName, type Mailbox } from './names.js';

/** A loonctl reply binding older than this belongs to a run that died (a broadcast never lasts 30 s). */
export const LEFTOVER_AGE_S = 60;

export interface SweepResult {
  members: number;
  lists: number;
}

/**
 * Removes what killed loonctl runs left: their members of the shared reply binding set (SREM, one by
 * one: the set belongs to every Celery client and is never expired or deleted) and their reply lists.
 * Only members named `loonctl-<time>-...` older than a minute are touched.
 */
export async function sweepReplyLeftovers(redis: Redis, m: Mailbox, nowS?: number): Promise<SweepResult> {
  const key = replyBindingKey(m);
  const [members, now] = await Promise.all([redis.smembersBuffer(key), nowS ?? redisNow(redis)]);
  const sep = m.transport.sep;
  const stale = members.filter((member) => {
    if (!member.subarray(0, OID_PREFIX.length).equals(Buffer.from(OID_PREFIX))) return false;
    const oid = member.subarray(0, member.indexOf(sep)).toString('utf8');
    const t = oidTime(oid);
    return t !== null && now - t > LEFTOVER_AGE_S;
  });
  if (stale.length === 0) return { members: 0, lists: 0 };
  const tx = redis.multi();
  for (const member of stale) {
    const queue = member.subarray(member.lastIndexOf(sep) + sep.length);
    tx.srem(key, member);
    tx.del(Buffer.concat([m.transport.keyPrefix, queue]));
  }
  const out = (await tx.exec()) ?? [];
  let lists = 0;
  let removed = 0;
  out.forEach(([, n], i) => {
    if (i % 2 === 0) removed += Number(n);
    else lists += Number(n);
  });
  return { members: removed, lists };
}

/**
 * Also finds loonctl reply lists with no binding left (a worker's reply that raced the cleanup) by
 * SCAN, and deletes those older than a minute. Costs a pass over the keyspace: for doctor, not for every call.
 */
export async function deepSweepReplyLeftovers(redis: Redis, m: Mailbox): Promise<SweepResult> {
  const now = await redisNow(redis);
  const res = await sweepReplyLeftovers(redis, m, now);
  const suffix = `.${replyExchangeName(m)}`;
  const glob = (b: Buffer) =>
    Buffer.from(
      b.toString('latin1').replace(/[*?[\]\\]/g, (c) => `\\${c}`),
      'latin1',
    );
  const escaped = Buffer.concat([
    glob(Buffer.concat([m.transport.keyPrefix, Buffer.from(OID_PREFIX)])),
    Buffer.from('*'),
    glob(Buffer.from(suffix)),
  ]);
  let cursor = '0';
  do {
    const [next, keys] = (await redis.callBuffer('SCAN', cursor, 'MATCH', escaped, 'COUNT', 1000)) as [
      Buffer,
      Buffer[],
    ];
    cursor = next.toString();
    const old = keys.filter((k) => {
      const name = k.subarray(m.transport.keyPrefix.length).toString('utf8');
      const t = oidTime(name.slice(0, -suffix.length));
      return t !== null && now - t > LEFTOVER_AGE_S;
    });
    if (old.length) res.lists += await redis.del(...old);
  } while (cursor !== '0');
  return res;
}
