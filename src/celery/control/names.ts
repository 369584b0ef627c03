import { lazyCrypto } from '../../core/lazy-builtins.js';
import type { Transport } from '../transport.js';

/**
 * Where Celery's remote control lives in a Redis broker (kombu's pidbox over the Redis transport).
 * Every name is built here, prefix included: ioredis' `keyPrefix` would not prefix PUBLISH channels.
 */
export interface Mailbox {
  transport: Transport;
  /** The broker's db index: kombu's fanout channels carry it (`/N.`). */
  db: number;
  /** Celery `control_exchange` (default `celery`). */
  namespace: string;
  /** kombu `fanout_prefix`: true (default, `/N.`), false (none: one channel for every db), or a custom string. */
  fanoutPrefix: boolean | string;
}

export const DEFAULT_NAMESPACE = 'celery';

export function makeMailbox(
  transport: Transport,
  db: number,
  namespace = DEFAULT_NAMESPACE,
  fanoutPrefix: boolean | string = true,
): Mailbox {
  return { transport, db, namespace, fanoutPrefix };
}

const buf = (s: string) => Buffer.from(s, 'utf8');

/** The exchange workers listen on (`celery.pidbox`), named in every request's delivery_info. */
export function exchangeName(m: Mailbox): string {
  return `${m.namespace}.pidbox`;
}

/** The exchange replies are routed through (`reply.celery.pidbox`). */
export function replyExchangeName(m: Mailbox): string {
  return `reply.${m.namespace}.pidbox`;
}

/** The channel a request is PUBLISHed on: `P/N.celery.pidbox`. */
export function requestChannel(m: Mailbox): Buffer {
  const fanout = m.fanoutPrefix === true ? `/${m.db}.` : m.fanoutPrefix === false ? '' : m.fanoutPrefix;
  return Buffer.concat([m.transport.keyPrefix, buf(fanout + exchangeName(m))]);
}

/** Set of reply bindings that workers read (SMEMBERS) to find where to push a reply. Shared: never delete it. */
export function replyBindingKey(m: Mailbox): Buffer {
  return Buffer.concat([m.transport.keyPrefix, buf(`_kombu.binding.${replyExchangeName(m)}`)]);
}

/** Set with one member per worker that ever started (kept after a kill -9). */
export function workerBindingKey(m: Mailbox): Buffer {
  return Buffer.concat([m.transport.keyPrefix, buf(`_kombu.binding.${exchangeName(m)}`)]);
}

/** The reply queue's name (unprefixed, as the binding member carries it). */
export function replyQueueName(m: Mailbox, oid: string): string {
  return `${oid}.${replyExchangeName(m)}`;
}

/** The binding member for a reply queue: `oid SEP "" SEP oid.reply.celery.pidbox` (never prefixed). */
export function replyMember(m: Mailbox, oid: string): Buffer {
  const sep = m.transport.sep;
  return Buffer.concat([buf(oid), sep, sep, buf(replyQueueName(m, oid))]);
}

/** The list workers LPUSH their replies to (priority 0: the bare key). */
export function replyListKey(m: Mailbox, oid: string): Buffer {
  return Buffer.concat([m.transport.keyPrefix, buf(replyQueueName(m, oid))]);
}

export const OID_PREFIX = 'loonctl-';

/** A recognisable reply id: `loonctl-<unix seconds>-<random>`, so a later run can sweep a killed one's leftovers. */
export function makeOid(nowS: number): string {
  return `${OID_PREFIX}${Math.floor(nowS)}-${lazyCrypto().randomBytes(8).toString('hex')}`;
}

/** The time an oid was made, or null when it is not loonctl's. */
export function oidTime(oid: string): number | null {
  const m = /^loonctl-(\d+)-[0-9a-f]+$/.exec(oid);
  return m ? Number(m[1]) : null;
}

/** Hostnames of the workers whose pidbox binding exists (alive or not): `"" SEP "" SEP host.celery.pidbox`. */
export function hostnameFromWorkerMember(m: Mailbox, member: Buffer): string | null {
  const text = member.toString('latin1');
  const sep = m.transport.sep.toString('latin1');
  const queue = text.split(sep).pop()!;
  const suffix = `.${exchangeName(m)}`;
  if (!queue.endsWith(suffix)) return null;
  return Buffer.from(queue.slice(0, -suffix.length), 'latin1').toString('utf8');
}
