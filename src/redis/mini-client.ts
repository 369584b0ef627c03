import { connect as netConnect, type OnReadOpts, type Socket } from 'node:net';
import type { RedisOptions } from 'ioredis';
import { ReceiveBuffer } from './receive-buffer.js';
import { encodeCommands, parseReply, type Arg, type Reply } from './resp.js';

export type { Reply } from './resp.js';

/** ioredis' words for a command on a connection that went away: the error classifiers know them. */
export const CONNECTION_CLOSED = 'Connection is closed.';

interface Waiter {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  /**
   * Turns the reply into what the caller keeps, while its bytes are still valid: it is read in place from
   * the receive buffer, which is reused (any other reply is copied out of it).
   */
  decode?: (r: Reply) => unknown;
}

/**
 * A minimal RESP2 connection: commands written in order, replies as Buffers (server errors as Error
 * values). Shell completion uses it as it is (importing ioredis alone costs about as much as starting
 * node, this costs nothing); the lean client (lean-client.ts) builds ioredis' reply shapes on it.
 */
export class MiniRedis {
  private readonly received = new ReceiveBuffer();
  private socket!: Socket;
  private readonly waiting: Waiter[] = [];
  private failure?: Error;
  /** The socket's own error (ECONNRESET, a TLS alert), which says more than "Connection is closed.". */
  lastError?: Error;

  private constructor(private readonly onEnd?: (socketError?: Error) => void) {}

  /** What a TCP or unix socket reads into, and what it calls when it has (net's `onread`). */
  private readonly reader: OnReadOpts = {
    buffer: () => this.received.room(),
    callback: (n: number) => {
      this.received.wrote(n);
      this.onReceived();
      return true;
    },
  };

  private attach(socket: Socket, tls: boolean): void {
    this.socket = socket;
    if (tls)
      socket.on('data', (d: Buffer) => {
        this.received.push(d);
        this.onReceived();
      });
    socket.on('error', (e) => (this.lastError ??= e));
    socket.on('close', () => this.fail(new Error(CONNECTION_CLOSED)));
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const w of this.waiting.splice(0)) w.reject(e);
    this.onEnd?.(this.lastError);
  }

  /** Whether the connection is gone (closed by either side). */
  get ended(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Connects and sends `setup` in one write, all within `timeoutMs`; resolves with the connection and
   * the setup's replies (errors as values). On any failure the socket is destroyed: a socket left open
   * (a server that never answers) would keep the process, and the operator's Tab, waiting.
   */
  static async handshake(
    opts: RedisOptions,
    timeoutMs: number,
    setup: readonly (readonly Arg[])[],
    onEnd?: (socketError?: Error) => void,
  ): Promise<{ client: MiniRedis; replies: Reply[] }> {
    let client: MiniRedis | undefined;
    let socket: Socket | undefined;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('connect timeout')), timeoutMs);
    });
    const run = async () => {
      client = new MiniRedis(onEnd);
      socket = await openSocket(opts, timeoutMs, client.reader);
      client.attach(socket, !!opts.tls);
      return { client, replies: await Promise.all(client.send(setup)) };
    };
    try {
      return await Promise.race([run(), expired]);
    } catch (e) {
      socket?.destroy();
      // A server that closed on us: its socket error (a TLS alert, a reset) is the real reason.
      throw (e as Error)?.message === CONNECTION_CLOSED && client?.lastError ? client.lastError : e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** For completion: connects, authenticates and selects the db in one round; rejects on any error. */
  static async open(opts: RedisOptions, timeoutMs: number): Promise<MiniRedis> {
    const setup: Arg[][] = [];
    if (opts.password) setup.push(opts.username ? ['AUTH', opts.username, opts.password] : ['AUTH', opts.password]);
    if (opts.db) setup.push(['SELECT', opts.db]);
    const { client, replies } = await MiniRedis.handshake(opts, timeoutMs, setup);
    const failed = replies.find((r): r is Error => r instanceof Error);
    if (failed) {
      client.close();
      throw failed;
    }
    return client;
  }

  /** Writes `commands` at once; one promise per reply (a server error resolves as an Error value). */
  send(commands: readonly (readonly Arg[])[]): Promise<Reply>[] {
    if (!commands.length) return [];
    return this.sendEncoded(
      encodeCommands(commands),
      commands.map(() => null),
    ) as Promise<Reply>[];
  }

  /**
   * Writes commands already encoded as RESP, one `decoders` entry per reply (null: the reply as it is).
   * A decoder runs as the reply is parsed; its reply's Buffers must not be kept beyond it.
   */
  sendEncoded(bytes: Buffer, decoders: readonly (((r: Reply) => unknown) | null)[]): Promise<unknown>[] {
    if (this.failure) return decoders.map(() => Promise.reject(this.failure!));
    const out = decoders.map(
      (decode) =>
        new Promise<unknown>((resolve, reject) => this.waiting.push({ resolve, reject, decode: decode ?? undefined })),
    );
    this.socket.write(bytes);
    return out;
  }

  /** Sends one command; rejects on a Redis error reply. */
  async call(...args: Arg[]): Promise<Reply> {
    const [reply] = this.send([args]);
    const r = await reply;
    if (r instanceof Error) throw r;
    return r;
  }

  close(): void {
    this.socket.destroy();
  }

  private onReceived(): void {
    // Every reply ends in CR LF: bytes that do not cannot complete one. Parsing only then keeps a 50 MB
    // reply from being parsed again on every 64 KB that arrives.
    if (!this.received.mayEndReply()) return;
    const bytes = this.received.bytes();
    let at = 0;
    for (;;) {
      let parsed: ReturnType<typeof parseReply>;
      try {
        parsed = parseReply(bytes, at);
      } catch (e) {
        // Not Redis on the other end (an HTTP server, a TLS port): fail quietly, never throw from an event.
        this.lastError ??= e as Error;
        this.socket.destroy();
        return;
      }
      if (!parsed) break;
      const w = this.waiting.shift();
      if (w) w.resolve(w.decode ? (w.decode(parsed.value) as Reply) : copiedOut(parsed.value, bytes, at, parsed.end));
      at = parsed.end;
    }
    this.received.consume(at);
  }
}

/**
 * A reply parsed in place in `bytes` (from `start` to `end`), with its Buffers moved to one copy of those
 * bytes: the receive buffer is reused, the caller may keep the reply.
 */
function copiedOut(r: Reply, bytes: Buffer, start: number, end: number): Reply {
  if (!Buffer.isBuffer(r) && !Array.isArray(r)) return r;
  const copy = Buffer.from(bytes.subarray(start, end));
  const shift = bytes.byteOffset + start;
  const rebase = (v: Reply): Reply => {
    if (Buffer.isBuffer(v)) return copy.subarray(v.byteOffset - shift, v.byteOffset - shift + v.length);
    return Array.isArray(v) ? v.map(rebase) : v;
  };
  return rebase(r);
}

/** A connected socket (TCP, unix or TLS: node:tls loaded only for rediss://), within `timeoutMs`. */
async function openSocket(opts: RedisOptions, timeoutMs: number, onread: OnReadOpts): Promise<Socket> {
  const tls = opts.tls ? await import('node:tls') : undefined;
  return new Promise<Socket>((resolve, reject) => {
    const s: Socket = opts.path
      ? netConnect({ path: opts.path, onread })
      : tls
        ? tls.connect({ host: opts.host, port: opts.port, ...opts.tls })
        : netConnect({ port: opts.port ?? 6379, host: opts.host ?? '127.0.0.1', onread });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('connect timeout'));
    }, timeoutMs);
    s.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      s.setNoDelay(true);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      s.destroy();
      reject(e);
    });
  });
}
