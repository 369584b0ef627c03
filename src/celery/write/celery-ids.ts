import { createHash } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';

/** Celery's `anon_nodename()`: the `origin` header of a message sent outside a worker, `gen<pid>@<host>`. */
export function celeryOrigin(): string {
  return `gen${process.pid}@${hostname()}`;
}

const NAMESPACE_OID = Buffer.from('6ba7b8129dad11d180b400c04fd430c8', 'hex');

/** `uuid.uuid3(NAMESPACE_OID, name)`. */
export function uuid3(name: string): string {
  const h = createHash('md5').update(NAMESPACE_OID).update(name, 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x30;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function nodeId(): bigint {
  for (const list of Object.values(networkInterfaces()))
    for (const i of list ?? [])
      if (!i.internal && i.mac !== '00:00:00:00:00:00') return BigInt(`0x${i.mac.replace(/:/g, '')}`);
  return 0n;
}

let oid: string | undefined;

/**
 * The `reply_to` property: Celery writes its app's `thread_oid`, kombu's `generate_oid` (a uuid3 of node
 * id, pid, thread id and an object id). One per process here, as for one Celery thread.
 */
export function celeryReplyTo(): string {
  oid ??= uuid3(`${nodeId().toString(16)}-${process.pid.toString(16)}-0-${(Date.now() % 2 ** 32).toString(16)}`);
  return oid;
}
