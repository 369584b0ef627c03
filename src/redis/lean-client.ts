import { EventEmitter } from 'node:events';
import type { RedisOptions } from 'ioredis';
import { CONNECTION_CLOSED, MiniRedis } from './mini-client.js';
import {
  type NamedCommands,
  namedCommands,
  type CommandArgs,
  flatArgs,
  replyError,
  type Shape,
  shapeReply,
} from './lean-commands.js';
import type { Arg, Reply } from './resp.js';
import { leanPipeline, type LeanPipeline } from './lean-pipeline.js';

export type LeanOptions = RedisOptions & { connectTimeout: number };
type Status = 'wait' | 'connecting' | 'ready' | 'end';

/** Server replies that only mean "no password was needed": ioredis goes on after them, so do we. */
const NEEDLESS_AUTH = /no password is set|without any password configured/;

/**
 * A lean stand-in for the ioredis `Redis` object in the code paths of light, read-mostly commands
 * (those whose spec says `redis: 'lean'`): one RESP2 connection, ioredis' reply shapes and error
 * texts, no reconnection (as loonctl configures ioredis). Loading ioredis costs more than most such
 * commands take in all.
 */
export class LeanCore extends EventEmitter {
  status: Status = 'wait';
  private conn?: MiniRedis;

  constructor(readonly options: LeanOptions) {
    super();
  }

  /**
   * Connects, authenticates, names the connection and sends `probe` in one write, then SELECTs the db
   * in the same write. Resolves with the probe's replies and the SELECT's error, for the caller to judge.
   */
  async open(probe: readonly (readonly Arg[])[]): Promise<{ replies: Reply[]; selectError?: Error }> {
    const o = this.options;
    const setup: Arg[][] = [];
    if (o.password) setup.push(o.username ? ['AUTH', o.username, o.password] : ['AUTH', o.password]);
    setup.push(['CLIENT', 'SETNAME', 'loonctl'], ...probe.map((c) => [...c]));
    if (o.db) setup.push(['SELECT', o.db]);
    this.status = 'connecting';
    try {
      const { client, replies } = await MiniRedis.handshake(o, o.connectTimeout, setup, (e) => this.ended(e));
      this.conn = client;
      const auth = o.password ? replies.shift() : undefined;
      if (auth instanceof Error && !NEEDLESS_AUTH.test(auth.message)) throw auth;
      replies.shift(); // CLIENT SETNAME: ioredis ignores its failure
      const select = o.db ? replies.pop() : undefined;
      this.status = 'ready';
      return { replies, selectError: select instanceof Error ? select : undefined };
    } catch (e) {
      this.disconnect();
      throw e;
    }
  }

  /** ioredis' `connect()` for a client made by `duplicate()`. */
  async connect(): Promise<void> {
    const { selectError } = await this.open([]);
    if (selectError) {
      this.disconnect();
      throw selectError;
    }
    this.emit('ready');
  }

  /** A new, unconnected client with the same options (ioredis' `duplicate()` with lazyConnect). */
  duplicate(): LeanRedis {
    return leanRedis(this.options);
  }

  call(name: string, ...args: CommandArgs): Promise<unknown> {
    return this.request(name, flatArgs(args), 'string');
  }

  callBuffer(name: string, ...args: CommandArgs): Promise<unknown> {
    return this.request(name, flatArgs(args), 'buffer');
  }

  pipeline(): LeanPipeline {
    return leanPipeline((cmds) => this.sendRaw(cmds), false);
  }

  multi(): LeanPipeline {
    return leanPipeline((cmds) => this.sendRaw(cmds), true);
  }

  /** Writes `commands` at once; one promise per reply. Rejects each with ioredis' texts when not connected. */
  sendRaw(commands: readonly (readonly Arg[])[]): Promise<Reply>[] {
    if (this.conn && this.status === 'ready') return this.conn.send(commands);
    const why =
      this.status === 'end' ? CONNECTION_CLOSED : "Stream isn't writeable and enableOfflineQueue options is false";
    return commands.map(() => Promise.reject(new Error(why)));
  }

  /** `sendRaw` for commands already encoded as RESP, one decoder (or null) per reply: see MiniRedis. */
  sendEncoded(bytes: Buffer, decoders: readonly (((r: Reply) => unknown) | null)[]): Promise<unknown>[] {
    if (this.conn && this.status === 'ready') return this.conn.sendEncoded(bytes, decoders);
    return this.sendRaw(decoders.map(() => []));
  }

  async request(name: string, args: Arg[], shape: Shape): Promise<unknown> {
    const [reply] = this.sendRaw([[name, ...args]]);
    const r = await reply;
    if (r instanceof Error) throw replyError(r, { name, args });
    return shapeReply(r, shape);
  }

  /** Sends QUIT and waits for its answer or the close; the connection is gone after it. */
  async quit(): Promise<'OK'> {
    if (this.status === 'ready') await this.sendRaw([['QUIT']])[0].catch(() => undefined);
    this.disconnect();
    return 'OK';
  }

  disconnect(): void {
    this.conn?.close();
    this.ended();
  }

  private ended(socketError?: Error): void {
    if (this.status === 'end') return;
    const was = this.status;
    this.status = 'end';
    if (socketError && was === 'ready' && this.listenerCount('error') > 0) this.emit('error', socketError);
    this.emit('close');
    this.emit('end');
  }
}

export type LeanRedis = LeanCore & NamedCommands<Promise<unknown>>;

/** A lean client (unconnected) with every named command of lean-commands.ts. */
export function leanRedis(options: LeanOptions): LeanRedis {
  const core = new LeanCore(options);
  return Object.assign(
    core,
    namedCommands((name, args, shape) => core.request(name, args, shape)),
  );
}

/**
 * The lean client's `sendEncoded`, bound, or undefined for an ioredis client: bulk readers and writers that
 * encode commands themselves and decode replies in place use it where they can.
 */
export function encodedSender(redis: unknown): LeanCore['sendEncoded'] | undefined {
  const send = (redis as Partial<LeanCore>).sendEncoded;
  return typeof send === 'function' ? send.bind(redis) : undefined;
}
