import type { Redis } from 'ioredis';
import { globEscape, scanAll } from '../list.js';
import { PAGE, readUnacked } from '../read.js';
import type { Transport } from '../transport.js';

/** A message's delivery tag (`properties.delivery_tag`) and task id (`headers.id`), read without decoding the body. */
export function messageIdentity(raw: Buffer): { tag: string | null; id: string | null } {
  let m: { properties?: { delivery_tag?: unknown }; headers?: { id?: unknown } } | null;
  try {
    m = JSON.parse(raw.toString('utf8')) as typeof m;
  } catch {
    return { tag: null, id: null };
  }
  const tag = m?.properties?.delivery_tag;
  const id = m?.headers?.id;
  return { tag: typeof tag === 'string' ? tag : null, id: typeof id === 'string' ? id : null };
}

/** Every delivery tag and task id in the broker: all lists under the key prefix, and `unacked`. SCAN only. */
export async function brokerIdentities(redis: Redis, t: Transport): Promise<{ tags: Set<string>; ids: Set<string> }> {
  const tags = new Set<string>();
  const ids = new Set<string>();
  const add = (raw: Buffer) => {
    const { tag, id } = messageIdentity(raw);
    if (tag !== null) tags.add(tag);
    if (id !== null) ids.add(id);
  };
  for (const key of await scanAll(redis, Buffer.concat([globEscape(t.keyPrefix), Buffer.from('*')]), 'list')) {
    for (let i = 0; ; i += PAGE) {
      const page = await redis.lrangeBuffer(key, i, i + PAGE - 1);
      for (const raw of page) add(raw);
      if (page.length < PAGE) break;
    }
  }
  for await (const u of readUnacked(redis, t)) {
    tags.add(u.tag);
    if (u.payload) add(u.payload);
  }
  return { tags, ids };
}
