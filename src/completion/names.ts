import { bindingPrefix, isInternalQueue, type Transport } from '../celery/transport.js';
import type { Reply } from '../redis/mini-client.js';

/** Sends one Redis command and returns its reply (Buffers for strings). */
export type RedisCall = (...args: (string | Buffer)[]) => Promise<Reply>;

/** SCANs keys matching `pattern` (optionally of one type) until done or the deadline passes. */
async function scanKeys(call: RedisCall, pattern: Buffer, deadline: number, type?: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let cursor = '0';
  do {
    const args: (string | Buffer)[] = ['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000'];
    if (type) args.push('TYPE', type);
    const [next, keys] = (await call(...args)) as [Buffer, Buffer[]];
    cursor = next.toString();
    out.push(...keys);
  } while (cursor !== '0' && Date.now() < deadline);
  return out;
}

function globEscape(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(/[*?[\]\\]/g, '\\$&'), 'latin1');
}

/** Queue names from kombu's bindings and from the list keys themselves, internal ones left out. */
export async function queueNames(call: RedisCall, t: Transport, prefix: string, deadline: number): Promise<string[]> {
  const names = new Set<string>();
  const sep = t.sep.toString('latin1');
  const bindings = await scanKeys(call, Buffer.concat([globEscape(bindingPrefix(t)), Buffer.from('*')]), deadline);
  // One pipelined round: every SMEMBERS is written before the first reply is read.
  const memberLists = (await Promise.all(bindings.map((key) => call('SMEMBERS', key)))) as Buffer[][];
  for (const members of memberLists) {
    for (const member of members) {
      const fields = member.toString('latin1').split(sep);
      const queue = fields[fields.length - 1];
      if (queue) names.add(Buffer.from(queue, 'latin1').toString('utf8'));
    }
  }
  if (Date.now() < deadline) {
    const lists = await scanKeys(call, Buffer.concat([globEscape(t.keyPrefix), Buffer.from('*')]), deadline, 'list');
    for (const key of lists) {
      let name = key.subarray(t.keyPrefix.length).toString('latin1');
      const at = name.lastIndexOf(sep);
      if (at > 0 && /^\d+$/.test(name.slice(at + sep.length))) name = name.slice(0, at);
      names.add(Buffer.from(name, 'latin1').toString('utf8'));
    }
  }
  return [...names].filter((n) => n.startsWith(prefix) && !isInternalQueue(n)).sort();
}

/** Keys that look like locks: a redis-py style token as the value, or a known lock name pattern. */
export async function lockNames(call: RedisCall, prefix: string, deadline: number): Promise<string[]> {
  const keys = (
    await scanKeys(call, Buffer.concat([globEscape(Buffer.from(prefix)), Buffer.from('*')]), deadline, 'string')
  ).slice(0, 5000);
  if (keys.length === 0) return [];
  const values = (await call('MGET', ...keys)) as (Buffer | null)[];
  const names: string[] = [];
  keys.forEach((k, i) => {
    const name = k.toString('utf8');
    const v = values[i]?.toString('latin1') ?? '';
    if (/^[0-9a-f]{32}$/.test(v) || /^(qo_|lock:)/.test(name) || /unacked_mutex$/.test(name)) names.push(name);
  });
  return names.sort();
}
