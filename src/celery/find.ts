import type { Redis } from 'ioredis';
import { decode } from './decode.js';
import type { DecodedMessage } from './envelope.js';
import { discoverQueues } from './list.js';
import { readQueue, readUnacked } from './read.js';
import { nameOf } from './summary.js';
import type { Transport } from './transport.js';

export type Found =
  | {
      where: 'queue';
      queue: string;
      queue_b64?: string;
      bucket: number;
      position: number;
      raw: Buffer;
      message: DecodedMessage;
    }
  | {
      where: 'unacked';
      queue: string | null;
      tag: string;
      since: number | null;
      raw: Buffer;
      value: Buffer;
      message: DecodedMessage;
    };

/** Finds a task by id in every bucket of every queue, then in `unacked`. Never changes Redis. */
export async function findTask(redis: Redis, t: Transport, id: string): Promise<Found | undefined> {
  const needle = Buffer.from(id, 'utf8');
  const hit = async (raw: Buffer): Promise<DecodedMessage | undefined> => {
    // Protocol 2 carries the id in plain headers; protocol 1 only inside the encoded body.
    if (!raw.includes(needle) && raw.includes('"task": ')) return undefined;
    const m = await decode(raw);
    return m.id === id ? m : undefined;
  };
  for await (const u of readUnacked(redis, t)) {
    if (!u.payload) continue;
    const m = await hit(u.payload);
    if (m)
      return {
        where: 'unacked',
        queue: u.routingKey,
        tag: u.tag,
        since: u.since,
        raw: u.payload,
        value: u.value,
        message: m,
      };
  }
  const { names } = await discoverQueues(redis, t);
  for (const q of names) {
    for await (const e of readQueue(redis, t, q)) {
      const m = await hit(e.raw);
      if (m) {
        const n = nameOf(q);
        return {
          where: 'queue',
          queue: n.name,
          ...(n.name_b64 ? { queue_b64: n.name_b64 } : {}),
          bucket: e.bucket,
          position: e.position,
          raw: e.raw,
          message: m,
        };
      }
    }
  }
  return undefined;
}
