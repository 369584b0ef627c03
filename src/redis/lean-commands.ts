import type { Arg, Reply } from './resp.js';

/** How ioredis shapes a reply: bulk strings as utf8 text, as Buffers (`callBuffer`, `*Buffer`), or HGETALL's object. */
export type Shape = 'string' | 'buffer' | 'object';

/**
 * The named commands the lean client offers, with ioredis' reply shape: only those the opted-in
 * commands' code paths call (anything else is no method at all, so a missed one fails loudly in tests).
 * The Redis command is the name without `Buffer`.
 */
export const NAMED = {
  del: 'string',
  eval: 'string',
  evalsha: 'string',
  exists: 'string',
  expire: 'string',
  get: 'string',
  getBuffer: 'buffer',
  hget: 'string',
  hgetall: 'object',
  hlen: 'string',
  hscanBuffer: 'buffer',
  hset: 'string',
  info: 'string',
  brpopBuffer: 'buffer',
  llen: 'string',
  lpush: 'string',
  lrangeBuffer: 'buffer',
  mget: 'string',
  pexpire: 'string',
  ping: 'string',
  pttl: 'string',
  publish: 'string',
  rpush: 'string',
  sadd: 'string',
  scan: 'string',
  set: 'string',
  sismember: 'string',
  smembers: 'string',
  smembersBuffer: 'buffer',
  srem: 'string',
  time: 'string',
  ttl: 'string',
  type: 'string',
  wait: 'string',
  zcard: 'string',
} as const satisfies Record<string, Shape>;

export type NamedCommand = keyof typeof NAMED;
export type CommandArgs = (Arg | readonly Arg[])[];
export type NamedCommands<R> = { [K in NamedCommand]: (...args: CommandArgs) => R };

/** One method per named command, each handing its Redis command, flat arguments and shape to `send`. */
export function namedCommands<R>(send: (name: string, args: Arg[], shape: Shape) => R): NamedCommands<R> {
  const out: Partial<NamedCommands<R>> = {};
  for (const [method, shape] of Object.entries(NAMED) as [NamedCommand, Shape][]) {
    const name = method.replace(/Buffer$/, ''); // lower case, as ioredis names it in errors
    out[method] = (...args) => send(name, flatArgs(args), shape);
  }
  return out as NamedCommands<R>;
}

/** ioredis accepts arrays among the arguments (`mget(['a', 'b'])`) and sends them flattened. */
export function flatArgs(args: CommandArgs): Arg[] {
  const out: Arg[] = [];
  for (const a of args) {
    if (Array.isArray(a)) out.push(...(a as readonly Arg[]));
    else out.push(a as Arg);
  }
  return out;
}

/** A server error reply, named as ioredis names it. */
export class ReplyError extends Error {}
ReplyError.prototype.name = 'ReplyError';

/** A server error as ioredis reports it: the server's text exactly and (outside MULTI) the command it answered. */
export function replyError(e: Error, command?: { name: string; args: Arg[] }): ReplyError {
  const err = new ReplyError(e.message);
  return command ? Object.assign(err, { command }) : err;
}

/** A reply in ioredis' shape; errors nested in arrays stay Error values, as in ioredis. */
export function shapeReply(r: Reply, shape: Shape): unknown {
  if (shape === 'object') {
    const out: Record<string, unknown> = {};
    const flat = Array.isArray(r) ? r : [];
    for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = shapeReply(flat[i + 1], 'string');
    return out;
  }
  if (r instanceof Error) return replyError(r);
  if (Buffer.isBuffer(r)) return shape === 'buffer' ? r : r.toString('utf8');
  if (Array.isArray(r)) return r.map((x) => shapeReply(x, shape));
  return r;
}
