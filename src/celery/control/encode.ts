import { lazyCrypto } from '../../core/lazy-builtins.js';
import { pyJsonDumps } from '../pyjson.js';
import { exchangeName, replyExchangeName, type Mailbox } from './names.js';

/** One remote-control call as kombu's `Mailbox._publish` writes it. */
export interface ControlRequest {
  method: string;
  arguments: Record<string, unknown>;
  /** Exact worker hostnames; null = every worker. */
  destination: string[] | null;
  /** Reply id (our oid); null sends a cast that no worker answers. */
  oid: string | null;
  /** Matches the replies to this request. */
  ticket: string;
  /** Unix seconds after which the request is stale (kombu's `expires` header). */
  expires: number;
  /** kombu requires it: a request without `properties.delivery_tag` kills every worker that receives it. */
  deliveryTag: string;
}

export function newRequest(
  method: string,
  args: Record<string, unknown>,
  destination: string[] | null,
  oid: string | null,
  expires: number,
): ControlRequest {
  return {
    method,
    arguments: args,
    destination,
    oid,
    ticket: lazyCrypto().randomUUID(),
    expires,
    deliveryTag: lazyCrypto().randomUUID(),
  };
}

/** A float that Python's json writes with a fraction (the `expires` header is `time() + timeout`). */
function pyFloatText(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

/**
 * The bytes to PUBLISH: the kombu envelope in Python `json.dumps` style, body base64 of the JSON
 * `{"method", "arguments", "destination", "pattern", "matcher"[, "ticket", "reply_to"]}`.
 */
export function encodeControlRequest(m: Mailbox, r: ControlRequest): Buffer {
  const body: Record<string, unknown> = {
    method: r.method,
    arguments: r.arguments,
    destination: r.destination,
    pattern: null,
    matcher: null,
  };
  if (r.oid !== null) {
    body.ticket = r.ticket;
    body.reply_to = { exchange: replyExchangeName(m), routing_key: r.oid };
  }
  const bodyB64 = Buffer.from(pyJsonDumps(body), 'utf8').toString('base64');
  const properties = pyJsonDumps({
    delivery_mode: 2,
    delivery_info: { exchange: exchangeName(m), routing_key: '' },
    priority: 0,
    body_encoding: 'base64',
    delivery_tag: r.deliveryTag,
  });
  const head = `{"body": ${pyJsonDumps(bodyB64)}, "content-encoding": "utf-8", "content-type": "application/json", `;
  return Buffer.from(
    `${head}"headers": {"clock": 1, "expires": ${pyFloatText(r.expires)}}, "properties": ${properties}}`,
    'utf8',
  );
}

/** One reply as a worker pushed it: `{"<hostname>": <result>}` plus the request's ticket. */
export type ControlReply =
  | { ok: true; ticket: string | null; hostname: string; result: unknown }
  | { ok: false; ticket: string | null; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Decodes a reply list element. Never throws: a pickle reply (task_serializer pickle) is reported. */
export function decodeControlReply(raw: Buffer): ControlReply {
  let env: unknown;
  try {
    env = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, ticket: null, reason: 'reply is not a kombu JSON envelope' };
  }
  if (!isObject(env)) return { ok: false, ticket: null, reason: 'reply is not a kombu envelope' };
  const headers = isObject(env.headers) ? env.headers : {};
  const ticket = typeof headers.ticket === 'string' ? headers.ticket : null;
  const contentType = typeof env['content-type'] === 'string' ? env['content-type'] : '';
  if (contentType !== 'application/json') {
    return {
      ok: false,
      ticket,
      reason:
        `reply serialized as ${contentType || 'unknown'} (the worker's task_serializer); ` +
        'only JSON replies are supported',
    };
  }
  const props = isObject(env.properties) ? env.properties : {};
  const bodyText =
    props.body_encoding === 'base64' && typeof env.body === 'string'
      ? Buffer.from(env.body, 'base64').toString('utf8')
      : env.body;
  let body: unknown;
  try {
    body = typeof bodyText === 'string' ? JSON.parse(bodyText) : bodyText;
  } catch {
    return { ok: false, ticket, reason: 'reply body is not JSON' };
  }
  if (!isObject(body)) return { ok: false, ticket, reason: 'reply body is not {hostname: result}' };
  const entries = Object.entries(body);
  if (entries.length !== 1) return { ok: false, ticket, reason: 'reply body is not {hostname: result}' };
  return { ok: true, ticket, hostname: entries[0][0], result: entries[0][1] };
}
