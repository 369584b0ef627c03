import { lazyZlib } from '../core/lazy-builtins.js';

/** Where a Celery task message came from inside kombu's envelope, decoded as far as it can be. */
export interface DecodedMessage {
  /** False when the element is not a usable message; `error` says why. It never throws. */
  ok: boolean;
  error?: string;
  size: number;
  protocol: 1 | 2 | null;
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
  rootId: string | null;
  parentId: string | null;
  group: string | null;
  origin: string | null;
  deliveryTag: string | null;
  exchange: string | null;
  routingKey: string | null;
  contentType: string | null;
  contentEncoding: string | null;
  compression: string | null;
  redelivered: boolean;
  /** Why the body was not decoded (pickle, msgpack, unknown serializer). */
  bodyNote: string | null;
  /** Protocol 2 embed: callbacks, errbacks, chain, chord. */
  embed: Record<string, unknown> | null;
  headers: Record<string, unknown> | null;
  properties: Record<string, unknown> | null;
  body: unknown;
}

function empty(size: number): DecodedMessage {
  return {
    ok: false,
    size,
    protocol: null,
    task: null,
    id: null,
    args: null,
    kwargs: null,
    argsrepr: null,
    kwargsrepr: null,
    eta: null,
    expires: null,
    retries: null,
    priority: null,
    rootId: null,
    parentId: null,
    group: null,
    origin: null,
    deliveryTag: null,
    exchange: null,
    routingKey: null,
    contentType: null,
    contentEncoding: null,
    compression: null,
    redelivered: false,
    bodyNote: null,
    embed: null,
    headers: null,
    properties: null,
    body: undefined,
  };
}

const str = (v: unknown): string | null =>
  v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Deepest nesting of arrays and objects loonctl decodes. JSON.parse copes with any depth, but
 * JSON.stringify and every recursive printer overflow the stack at a few thousand levels.
 */
export const MAX_DEPTH = 200;
/** A compressed body may inflate to at most this much (a zlib bomb is 1 MB inflating to 1 GiB). */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

const OPEN_SQUARE = 0x5b;
const OPEN_CURLY = 0x7b;

/** Whether JSON text (bytes or string) nests arrays/objects deeper than `limit` (brackets in strings do not count). */
export function jsonTooDeep(text: Buffer | string, limit = MAX_DEPTH): boolean {
  // Cheap common case, in native code: fewer opening brackets than the limit cannot nest that deep.
  let opens = 0;
  for (const b of ['[', '{']) {
    for (let at = text.indexOf(b); at !== -1 && opens <= limit; at = text.indexOf(b, at + 1)) opens++;
  }
  if (opens <= limit) return false;
  // UTF-8 continuation bytes are never ASCII, so bytes and UTF-16 units give the same answer.
  const codeAt = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = codeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === OPEN_SQUARE || c === OPEN_CURLY) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** The same for a value already parsed (YAML), walked without recursion. */
export function valueTooDeep(value: unknown, limit = MAX_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d >= limit) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push([x, d + 1]);
  }
  return false;
}

const tooDeep = `nested deeper than ${MAX_DEPTH} levels: not decoded`;

/** kombu >= 5.3 writes datetimes, UUIDs, decimals and bytes as {"__type__": ..., "__value__": ...}. */
function untype(_key: string, value: unknown): unknown {
  if (
    isObject(value) &&
    typeof value.__type__ === 'string' &&
    '__value__' in value &&
    Object.entries(value).length === 2
  )
    return value.__type__ === 'uuid' ? uuidText(value.__value__) : value.__value__;
  return value;
}

/** kombu 5.5 writes a UUID as {"hex": "<32 hex>"}: shown the way Python prints it, with dashes. */
function uuidText(v: unknown): unknown {
  const hex = isObject(v) && typeof v.hex === 'string' ? v.hex.toLowerCase() : undefined;
  if (!hex || !/^[0-9a-f]{32}$/.test(hex)) return v;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

let yamlParse: ((s: string) => unknown) | undefined;
/** Registers the YAML parser (loaded by the caller only when a YAML message is met). */
export function useYaml(parse: (s: string) => unknown): void {
  yamlParse = parse;
}

export function needsYaml(raw: Buffer): boolean {
  return !yamlParse && raw.includes('application/x-yaml');
}

/**
 * Whether a message decoded without the YAML parser has a YAML body (so decoding it again once the parser is
 * loaded could tell more): checking after decoding spares a search of every message for the content type.
 */
export function missedYaml(m: DecodedMessage): boolean {
  return !yamlParse && m.contentType === 'application/x-yaml';
}

/** Decodes the body bytes by content type; returns a note instead for pickle and msgpack. */
function decodeBody(bytes: Buffer, contentType: string | null): { body?: unknown; note?: string; error?: string } {
  const text = () => bytes.toString('utf8');
  switch (contentType) {
    case 'application/json':
      try {
        {
          if (jsonTooDeep(bytes)) return { error: `body ${tooDeep}` };
          const t = text();
          // A reviver slows JSON.parse several times over: use it only when typed values are there.
          return { body: t.includes('"__type__"') ? JSON.parse(t, untype) : JSON.parse(t) };
        }
      } catch (e) {
        return { error: `body is not valid JSON (${(e as Error).message}); truncated?` };
      }
    case 'application/x-yaml':
      if (!yamlParse) return { note: 'yaml body, not decoded' };
      if (jsonTooDeep(bytes)) return { error: `body ${tooDeep}` }; // flow collections nest with brackets too
      try {
        const body = yamlParse(text());
        return valueTooDeep(body) ? { error: `body ${tooDeep}` } : { body };
      } catch (e) {
        return { error: `body is not valid YAML (${(e as Error).message.split('\n')[0]})` };
      }
    case 'application/x-python-serialize':
      return { note: 'pickle body, not decoded' };
    case 'application/x-msgpack':
      return { note: 'msgpack body, not decoded' };
    case 'application/data':
    case 'application/text':
      return { body: text() };
    default:
      return { note: `${contentType ?? 'unknown'} body, not decoded` };
  }
}

/**
 * Decodes one stored list element (kombu's JSON envelope). Hostile input never throws: a broken
 * message comes back with ok=false and the reason, and whatever could be read (headers survive a
 * broken body). `headersOnly`: a protocol 2 message is read up to its headers and properties (for a
 * filter whose `needsBody` is false).
 */
export function decodeMessage(raw: Buffer, o: { headersOnly?: boolean } = {}): DecodedMessage {
  return decodeMessageText(raw.toString('utf8'), raw.length, o);
}

/** The same from the element's UTF-8 text and its size in bytes (a reader that holds no Buffer per message). */
export function decodeMessageText(text: string, size: number, o: { headersOnly?: boolean } = {}): DecodedMessage {
  const m = empty(size);
  let env: unknown;
  if (jsonTooDeep(text)) {
    m.error = `message ${tooDeep}`;
    return m;
  }
  try {
    env = JSON.parse(text);
  } catch {
    m.error = 'not JSON';
    return m;
  }
  if (!isObject(env) || !('body' in env) || !isObject(env.properties)) {
    m.error = 'JSON, but not a kombu message envelope';
    return m;
  }
  const headers = isObject(env.headers) ? env.headers : {};
  const props = env.properties;
  const info = isObject(props.delivery_info) ? props.delivery_info : {};
  m.headers = headers;
  m.properties = props;
  m.contentType = str(env['content-type']);
  m.contentEncoding = str(env['content-encoding']);
  m.compression = str(headers.compression);
  m.deliveryTag = str(props.delivery_tag);
  m.exchange = str(info.exchange);
  m.routingKey = str(info.routing_key);
  m.priority = typeof props.priority === 'number' ? props.priority : null;
  m.redelivered = headers.redelivered === true || info.redelivered === true;
  if (typeof headers.task === 'string') {
    m.protocol = 2;
    m.task = headers.task;
    m.id = str(headers.id);
    m.eta = str(headers.eta);
    m.expires = str(headers.expires);
    m.retries = typeof headers.retries === 'number' ? headers.retries : null;
    m.rootId = str(headers.root_id);
    m.parentId = str(headers.parent_id);
    m.group = str(headers.group);
    m.origin = str(headers.origin);
    m.argsrepr = str(headers.argsrepr);
    m.kwargsrepr = str(headers.kwargsrepr);
  }

  // A filter on header fields alone has what it needs from a protocol 2 message: the body (base64, then
  // JSON) would cost as much again. The message stays ok=false with no body fields; never show it.
  if (o.headersOnly && m.protocol === 2) return m;
  let bytes: Buffer;
  if (typeof env.body !== 'string') {
    m.error = 'body is not a string';
    return m;
  }
  if (props.body_encoding === 'base64') {
    let b64 = env.body;
    // Only a body that is not plain base64 pays for the whitespace removal.
    if (!BASE64.test(b64)) b64 = b64.replace(/\s+/g, '');
    if (b64.length % 4 === 1 || (b64 !== env.body && !BASE64.test(b64))) {
      m.error = 'body is not valid base64';
      return m;
    }
    bytes = Buffer.from(b64, 'base64');
  } else bytes = Buffer.from(env.body, 'utf8');
  if (m.compression) {
    if (m.compression !== 'application/x-gzip' && m.compression !== 'application/zlib') {
      m.bodyNote = `${m.compression} compressed body, not decoded`;
      m.ok = m.protocol === 2;
      if (!m.ok) m.error = 'compressed body of an unknown kind';
      return m;
    }
    try {
      bytes = lazyZlib().inflateSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      m.error =
        code === 'ERR_BUFFER_TOO_LARGE'
          ? `compressed body inflates to more than ${MAX_INFLATED_BYTES / 1024 / 1024} MiB: not decoded`
          : `compressed body cannot be inflated (${(e as Error).message}); truncated?`;
      return m;
    }
  }
  const decoded = decodeBody(bytes, m.contentType);
  if (decoded.error) {
    m.error = decoded.error;
    return m;
  }
  if (decoded.note) {
    m.bodyNote = decoded.note;
    m.ok = m.protocol === 2; // protocol 2 headers still name the task
    if (!m.ok) m.error = `${decoded.note} and no protocol 2 headers`;
    return m;
  }
  m.body = decoded.body;
  if (m.protocol === 2) {
    if (Array.isArray(decoded.body) && decoded.body.length === 3) {
      [m.args, m.kwargs] = decoded.body as [unknown, unknown];
      m.embed = isObject(decoded.body[2]) ? decoded.body[2] : null;
    } else {
      m.error = 'protocol 2 body is not [args, kwargs, embed]';
      return m;
    }
  } else if (isObject(decoded.body) && typeof decoded.body.task === 'string') {
    const b = decoded.body;
    m.protocol = 1;
    m.task = b.task as string;
    m.id = str(b.id);
    m.args = b.args ?? [];
    m.kwargs = b.kwargs ?? {};
    m.eta = str(b.eta);
    m.expires = str(b.expires);
    m.retries = typeof b.retries === 'number' ? b.retries : null;
    m.group = str(b.taskset ?? b.group);
  } else {
    m.error = 'body is neither a protocol 2 nor a protocol 1 task';
    return m;
  }
  m.ok = true;
  return m;
}

/** The arguments as an operator reads them: from the body when decoded, else Celery's reprs. */
export function argsText(m: DecodedMessage): string {
  if (m.args !== null && m.args !== undefined) return JSON.stringify(m.args);
  return m.argsrepr ?? '';
}

export function kwargsText(m: DecodedMessage): string {
  if (m.kwargs !== null && m.kwargs !== undefined) return JSON.stringify(m.kwargs);
  return m.kwargsrepr ?? '';
}
