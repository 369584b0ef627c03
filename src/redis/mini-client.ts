import { connect as netConnect, type Socket } from 'node:net';
import type { RedisOptions } from 'ioredis';

export type Reply = Buffer | number | null | Reply[] | Error;

/**
 * A minimal RESP2 client: one connection, commands in sequence, replies as Buffers.
 * Only for shell completion, which runs on every Tab press: importing ioredis alone costs
 * about as much as starting node, this costs nothing. Everything else uses ioredis.
 */
export class MiniRedis {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private failure?: Error;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.splice(0)) w.reject(e);
  }

  /**
   * Connects, authenticates and selects the db from ioredis-style options (host/port or path, tls),
   * all within `timeoutMs`. On any failure the socket is destroyed: a socket left open (a wrong
   * password, a server that never answers) would keep the process, and the operator's Tab, waiting.
   */
  static async open(opts: RedisOptions, timeoutMs: number): Promise<MiniRedis> {
    let socket: Socket | undefined;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('connect timeout')), timeoutMs);
    });
    try {
      return await Promise.race([MiniRedis.connectAndAuth(opts, timeoutMs, (s) => (socket = s)), expired]);
    } catch (e) {
      socket?.destroy();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private static async connectAndAuth(
    opts: RedisOptions,
    timeoutMs: number,
    created: (s: Socket) => void,
  ): Promise<MiniRedis> {
    const tls = opts.tls ? await import('node:tls') : undefined; // loaded only for rediss://
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s: Socket = opts.path
        ? netConnect(opts.path)
        : tls
          ? tls.connect({ host: opts.host, port: opts.port, servername: opts.host, ...opts.tls })
          : netConnect(opts.port ?? 6379, opts.host ?? '127.0.0.1');
      created(s);
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error('connect timeout'));
      }, timeoutMs);
      s.once(opts.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const client = new MiniRedis(socket);
    if (opts.password)
      await client.call(...(opts.username ? ['AUTH', opts.username, opts.password] : ['AUTH', opts.password]));
    if (opts.db) await client.call('SELECT', String(opts.db));
    return client;
  }

  /** Sends one command; rejects on a Redis error reply. */
  call(...args: (string | Buffer)[]): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
    for (const a of args) {
      const b = typeof a === 'string' ? Buffer.from(a) : a;
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve: (r) => (r instanceof Error ? reject(r) : resolve(r)), reject });
      this.socket.write(Buffer.concat(parts));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
    for (;;) {
      let parsed: ReturnType<typeof parseReply>;
      try {
        parsed = parseReply(this.buffer, 0);
      } catch (e) {
        // Not Redis on the other end (an HTTP server, a TLS port): fail quietly, never throw from an event.
        this.fail(e as Error);
        this.socket.destroy();
        return;
      }
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.end);
      this.waiting.shift()?.resolve(parsed.value);
    }
  }
}

/** Parses one reply at `at`; undefined when the buffer does not hold all of it yet. */
function parseReply(b: Buffer, at: number): { value: Reply; end: number } | undefined {
  const eol = b.indexOf('\r\n', at);
  if (eol === -1) return undefined;
  const type = String.fromCharCode(b[at]);
  const line = b.subarray(at + 1, eol).toString();
  switch (type) {
    case '+':
      return { value: Buffer.from(line), end: eol + 2 };
    case '-':
      return { value: new Error(line), end: eol + 2 };
    case ':':
      return { value: Number(line), end: eol + 2 };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, end: eol + 2 };
      if (b.length < eol + 2 + n + 2) return undefined;
      return { value: b.subarray(eol + 2, eol + 2 + n), end: eol + 2 + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: eol + 2 };
      const items: Reply[] = [];
      let pos = eol + 2;
      for (let i = 0; i < n; i++) {
        const item = parseReply(b, pos);
        if (!item) return undefined;
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`unexpected RESP type byte ${b[at]}`);
  }
}
