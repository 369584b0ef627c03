import { connect as netConnect, type Socket } from 'node:net';
import type { RedisOptions } from 'ioredis';
import { encodeCommands, parseReply, type Arg, type Reply } from './resp.js';

export type { Reply } from './resp.js';

/** ioredis' words for a command on a connection that went away: the error classifiers know them. */
export const CONNECTION_CLOSED = 'Connection is closed.';

interface Waiter {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  /**
   * Turns the reply into what the caller keeps, while its bytes are still valid: the reply may then be
   * read from a receive buffer that is reused (see onData).
   */
  decode?: (r: Reply) => unknown;
}

/** Replies up to this size may be received into the reused buffer. */
const SCRATCH_MAX = 16 * 1024 * 1024;

/**
 * A minimal RESP2 connection: commands written in order, replies as Buffers (server errors as Error
 * values). Shell completion uses it as it is (importing ioredis alone costs about as much as starting
 * node, this costs nothing); the lean client (lean-client.ts) builds ioredis' reply shapes on it.
 */
export class MiniRedis {
  private buffer: Buffer = Buffer.alloc(0);
  private chunks: Buffer[] = [];
  /** The receive buffer reused for replies that are decoded as they are parsed (see onData). */
  private scratch?: Buffer;
  private readonly waiting: Waiter[] = [];
  private failure?: Error;
  /** The socket's own error (ECONNRESET, a TLS alert), which says more than "Connection is closed.". */
  lastError?: Error;

  private constructor(
    private readonly socket: Socket,
    private readonly onEnd?: (socketError?: Error) => void,
  ) {
    socket.on('data', (d: Buffer) => this.onData(d));
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
      socket = await openSocket(opts, timeoutMs);
      client = new MiniRedis(socket, onEnd);
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

  /** The byte before the last one received (CR LF may arrive split across two chunks). */
  private byteBeforeLast(): number | undefined {
    const last = this.chunks[this.chunks.length - 1];
    if (last.length >= 2) return last[last.length - 2];
    const before = this.chunks.length > 1 ? this.chunks[this.chunks.length - 2] : this.buffer;
    return before[before.length - 1];
  }

  private onData(d: Buffer): void {
    this.chunks.push(d);
    // Every reply ends in CR LF: a chunk that does not cannot complete one. Parsing (and joining) only
    // then keeps a 50 MB reply from being copied again on every 64 KB that arrives.
    if (d[d.length - 1] !== 0x0a || this.byteBeforeLast() !== 0x0d) return;
    const reuse = this.waiting[0]?.decode !== undefined && this.received() <= SCRATCH_MAX;
    if (reuse) this.buffer = this.intoScratch();
    else this.buffer = this.buffer.length || this.chunks.length > 1 ? Buffer.concat([this.buffer, ...this.chunks]) : d;
    this.chunks = [];
    for (;;) {
      let parsed: ReturnType<typeof parseReply>;
      try {
        parsed = parseReply(this.buffer, 0);
      } catch (e) {
        // Not Redis on the other end (an HTTP server, a TLS port): fail quietly, never throw from an event.
        this.lastError ??= e as Error;
        this.socket.destroy();
        return;
      }
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.end);
      const w = this.waiting.shift();
      if (!w) continue;
      if (w.decode) w.resolve(w.decode(parsed.value) as Reply);
      // A reply read into the reused buffer is copied out for a caller that may keep it.
      else w.resolve(reuse ? copyReply(parsed.value) : parsed.value);
    }
  }

  private received(): number {
    let n = this.buffer.length;
    for (const c of this.chunks) n += c.length;
    return n;
  }

  /**
   * The unparsed bytes and the new chunks, copied into the reused receive buffer: a reply of a megabyte in
   * a fresh Buffer each time costs more in page faults than parsing it.
   */
  private intoScratch(): Buffer {
    const total = this.received();
    let scratch = this.scratch;
    const left = this.buffer;
    if (!scratch || scratch.length < total) {
      scratch = Buffer.allocUnsafeSlow(Math.max(total, 2 * (scratch?.length ?? 0), 1 << 16));
      left.copy(scratch, 0);
      this.scratch = scratch;
    } else if (left.length) {
      // The unparsed tail may itself lie in the scratch buffer: copyWithin handles the overlap.
      if (left.buffer === scratch.buffer)
        scratch.copyWithin(0, left.byteOffset - scratch.byteOffset, left.byteOffset - scratch.byteOffset + left.length);
      else left.copy(scratch, 0);
    }
    let at = left.length;
    for (const c of this.chunks) at += c.copy(scratch, at);
    return scratch.subarray(0, at);
  }
}

/** A reply whose Buffers are copies (it was read into a buffer that is reused). */
function copyReply(r: Reply): Reply {
  if (Buffer.isBuffer(r)) return Buffer.from(r);
  if (Array.isArray(r)) return r.map(copyReply);
  return r;
}

/** A connected socket (TCP, unix or TLS: node:tls loaded only for rediss://), within `timeoutMs`. */
async function openSocket(opts: RedisOptions, timeoutMs: number): Promise<Socket> {
  const tls = opts.tls ? await import('node:tls') : undefined;
  return new Promise<Socket>((resolve, reject) => {
    const s: Socket = opts.path
      ? netConnect(opts.path)
      : tls
        ? tls.connect({ host: opts.host, port: opts.port, ...opts.tls })
        : netConnect(opts.port ?? 6379, opts.host ?? '127.0.0.1');
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
