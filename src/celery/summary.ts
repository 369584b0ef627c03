import type { DecodedMessage } from './envelope.js';

/** The decoded fields of a message as scripts read them (peek --json, show, export `summary`). */
export interface MessageSummary {
  task: string | null;
  id: string | null;
  args: unknown;
  kwargs: unknown;
  argsrepr: string | null;
  kwargsrepr: string | null;
  eta: string | null;
  expires: string | null;
  retries: number | null;
  priority: number | null;
  size: number;
  root_id: string | null;
  parent_id: string | null;
  group: string | null;
  origin: string | null;
  delivery_tag: string | null;
  routing_key: string | null;
  content_type: string | null;
  compression: string | null;
  redelivered: boolean;
  protocol: 1 | 2 | null;
  /** Why the body was not decoded (pickle, msgpack). */
  note: string | null;
  /** Set when the message is broken: the reason. */
  broken: string | null;
}

export function summarize(m: DecodedMessage): MessageSummary {
  return {
    task: m.task,
    id: m.id,
    args: m.args ?? null,
    kwargs: m.kwargs ?? null,
    argsrepr: m.argsrepr,
    kwargsrepr: m.kwargsrepr,
    eta: m.eta,
    expires: m.expires,
    retries: m.retries,
    priority: m.priority,
    size: m.size,
    root_id: m.rootId,
    parent_id: m.parentId,
    group: m.group,
    origin: m.origin,
    delivery_tag: m.deliveryTag,
    routing_key: m.routingKey,
    content_type: m.contentType,
    compression: m.compression,
    redelivered: m.redelivered,
    protocol: m.protocol,
    note: m.bodyNote,
    broken: m.ok ? null : (m.error ?? 'broken'),
  };
}

/** A key or queue name for output: UTF-8 text, plus base64 when the bytes are not valid UTF-8. */
export function nameOf(bytes: Buffer): { name: string; name_b64?: string } {
  const name = bytes.toString('utf8');
  return Buffer.from(name, 'utf8').equals(bytes) ? { name } : { name, name_b64: bytes.toString('base64') };
}
