// The lean client (src/redis/lean-client.ts) against ioredis, on the same real Redis: every reply shape
// the opted-in commands rely on, pipelines and transactions, and the errors of a failed connect.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyRedisError } from '../../src/redis/errors.js';
import { connectRedis } from '../../src/redis/connect.js';
import { connectLeanRedis } from '../../src/redis/lean-connect.js';
import { freePort, startPasswordRedis, startPrivateRedis } from '../helpers/processes.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';
import { TEST_REDIS_URL, withRedisDb } from '../helpers/services.js';

let redis: TestRedis;
let lean: Redis;
let io: Redis;
const opts = { timeoutMs: 2000, role: 'redis' };
const BYTES = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x0d, 0x0a]); // not UTF-8, with CR LF inside

beforeAll(async () => {
  redis = await claimRedisDb();
  [lean, io] = await Promise.all([connectLeanRedis(redis.url, opts), connectRedis(redis.url, opts)]);
  expect(lean.constructor.name).toBe('LeanCore');
  await redis.client.set('s', 'text é');
  await redis.client.set('b', BYTES);
  await redis.client.hset('h', 'a', '1', 'b', BYTES);
  await redis.client.rpush('l', 'x', BYTES);
  await redis.client.sadd('set', 'm1');
  await redis.client.set('big', Buffer.alloc(5_000_000, BYTES));
});
afterAll(async () => {
  await Promise.all([lean?.quit(), io?.quit()]);
  await redis.release();
});

/** Runs `fn` on both clients and returns both outcomes, resolved or rejected (message and fields). */
async function both(fn: (c: Redis) => Promise<unknown>): Promise<[unknown, unknown]> {
  const settle = (c: Redis) =>
    fn(c).then(
      (v) => ({ ok: v }),
      (e: Error & { command?: unknown; previousErrors?: Error[] }) => ({
        err: e.message,
        name: e.name,
        command: e.command,
        previous: e.previousErrors?.map((p) => p.message),
      }),
    );
  return [await settle(lean), await settle(io)];
}

describe('replies have ioredis shapes', () => {
  it.each<[string, (c: Redis) => Promise<unknown>]>([
    ['bulk string as utf8', (c) => c.get('s')],
    ['non-UTF-8 bytes as a string', (c) => c.get('b')],
    ['non-UTF-8 bytes as a Buffer', (c) => c.getBuffer('b')],
    ['callBuffer of bytes', (c) => c.callBuffer('GET', 'b')],
    ['status reply', (c) => c.call('PING')],
    ['status reply as a Buffer', (c) => c.callBuffer('PING')],
    ['integer', (c) => c.llen('l')],
    ['nil', (c) => c.get('nothing')],
    ['nil in an array', (c) => c.mget('s', 'nothing', 'b')],
    ['array arguments flattened', (c) => c.mget(['s', 'nothing'])],
    ['hgetall as an object', (c) => c.hgetall('h')],
    ['hgetall of nothing', (c) => c.hgetall('nothing')],
    ['scan', (c) => c.scan('0', 'MATCH', 's*', 'COUNT', 100)],
    ['smembersBuffer', (c) => c.smembersBuffer('set')],
    ['hscanBuffer', (c) => c.hscanBuffer('h', '0', 'COUNT', 10)],
    ['lrangeBuffer', (c) => c.lrangeBuffer('l', 0, -1)],
    ['type', (c) => c.type('h')],
    ['a 5 MB value of every byte', (c) => c.getBuffer('big')],
    ['nested arrays', (c) => c.call('EVAL', "return {1, 'a', {2, false, {'z'}}, redis.status_reply('OK')}", 0)],
    ['nested arrays as Buffers', (c) => c.callBuffer('EVAL', "return {1, {'a', {false}}}", 0)],
    ['an error inside an array', (c) => c.call('EVAL', "return {1, redis.error_reply('BOOM x')}", 0)],
    ['a server error: its text exactly, with the command', (c) => c.call('LPUSH', 's', 'x')],
    ['an unknown command', (c) => c.call('NOSUCHCOMMAND', 'a')],
  ])('%s', async (_label, fn) => {
    const [l, i] = await both(fn);
    // toEqual walks a Buffer byte by byte (seconds for 5 MB): compare large ones by their bytes.
    const [lv, iv] = [l, i].map((x) => (x as { ok?: unknown }).ok);
    if (Buffer.isBuffer(lv) && Buffer.isBuffer(iv) && iv.length > 65536) expect(lv.equals(iv)).toBe(true);
    else expect(l).toEqual(i);
  });

  it('a server error classifies the same (WRONGTYPE names the key)', async () => {
    const errs = await Promise.all([lean, io].map((c) => c.call('LPUSH', 's', 'x').catch((e: unknown) => e)));
    const [l, i] = errs.map((e) => classifyRedisError(e));
    expect(l?.message).toBe("key 's' holds another type than expected: left alone");
    expect(l?.message).toBe(i?.message);
  });
});

describe('pipelines and transactions', () => {
  it('pipeline exec gives [[err, result], ...] with errors in place', async () => {
    const [l, i] = await both((c) => c.pipeline().get('s').llen('s').call('PING').hgetall('h').getBuffer('b').exec());
    expect(l).toEqual(i);
    expect((l as { ok: unknown[] }).ok).toHaveLength(5);
  });

  it('multi exec gives the same shape; runtime errors stay in their slot', async () => {
    const [l, i] = await both((c) => c.multi().get('h').llen('l').hgetall('h').callBuffer('GET', 'b').exec());
    expect(l).toEqual(i);
  });

  it('EXECABORT rejects with the queueing errors', async () => {
    const [l, i] = await both((c) => c.multi().call('SET', 'only-key').get('s').exec());
    expect(l).toEqual(i);
    expect(l).toMatchObject({ err: expect.stringMatching(/^EXECABORT/) as unknown });
    expect(await redis.client.exists('only-key')).toBe(0);
  });

  it('a transaction a WATCH cancelled resolves null', async () => {
    for (const c of [lean, io]) {
      await c.call('WATCH', 'w');
      await redis.client.set('w', String(Math.random()));
      expect(await c.multi().get('w').exec()).toBeNull();
    }
  });

  it('duplicate() connects to the same db on connect()', async () => {
    const dup = lean.duplicate();
    expect(dup.status).toBe('wait');
    await dup.connect();
    expect(dup.status).toBe('ready');
    expect(dup.options.db).toBe(redis.db);
    expect(await dup.get('s')).toBe('text é');
    expect(await dup.call('CLIENT', 'GETNAME')).toBe('loonctl');
    dup.disconnect();
    expect(dup.status).toBe('end');
    await expect(dup.get('s')).rejects.toThrow('Connection is closed.');
  });
});

/** The error each client gives for `url`: message and exit code. */
async function connectErrors(url: string): Promise<{ message: string; exitCode: number }[]> {
  const fail = (p: Promise<Redis>) =>
    p.then(
      (c) => (c.disconnect(), { message: 'connected', exitCode: 0 }),
      (e: { message: string; exitCode: number }) => ({ message: e.message, exitCode: e.exitCode }),
    );
  return Promise.all([fail(connectLeanRedis(url, opts)), fail(connectRedis(url, opts))]);
}

describe('a failed connect gives the same error as with ioredis', () => {
  it('a closed port', async () => {
    const [l, i] = await connectErrors(`redis://:secret@127.0.0.1:${await freePort()}/0`);
    expect(l).toEqual(i);
    expect(l.message).toMatch(/^cannot reach redis redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0: connect ECONNREFUSED/);
    expect(l.exitCode).toBe(69);
  });

  it('a db index the server lacks', async () => {
    const [l, i] = await connectErrors(withRedisDb(TEST_REDIS_URL, 99999));
    expect(l).toEqual(i);
    expect(l.exitCode).toBe(2);
  });

  it.skipIf(new URL(TEST_REDIS_URL).password)(
    'a password the server does not need is no error (as ioredis)',
    async () => {
      const url = new URL(withRedisDb(TEST_REDIS_URL, redis.db));
      url.password = 'needless';
      const [l, i] = await connectErrors(url.toString());
      expect(l).toEqual({ message: 'connected', exitCode: 0 });
      expect(l).toEqual(i);
    },
  );

  it('a server in Cluster mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loonctl-lean-cluster-'));
    const server = await startPrivateRedis(['--cluster-enabled', 'yes', '--dir', dir]);
    try {
      const [l, i] = await connectErrors(`redis://127.0.0.1:${server.port}/0`);
      expect(l).toEqual(i);
      expect(l.message).toMatch(/runs in Redis Cluster mode/);
      expect(l.exitCode).toBe(69);
    } finally {
      server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('on a server with a password', () => {
    let server: { port: number; stop: () => void };
    beforeAll(async () => {
      server = await startPasswordRedis('right-one');
    });
    afterAll(() => server.stop());

    it.each([
      ['a wrong password', 'wrong'],
      ['no password', ''],
    ])('%s', async (_label, pw) => {
      const [l, i] = await connectErrors(`redis://${pw ? `:${pw}@` : ''}127.0.0.1:${server.port}/0`);
      expect(l).toEqual(i);
      expect(l.message).toMatch(/authentication failed/);
      expect(l.exitCode).toBe(69);
    });

    it('the right password connects', async () => {
      const c = await connectLeanRedis(`redis://:right-one@127.0.0.1:${server.port}/3`, opts);
      expect(c.options.db).toBe(3);
      expect(await c.call('CLIENT', 'GETNAME')).toBe('loonctl');
      await c.quit();
    });
  });
});

/** Writes `b` one byte per event-loop turn, so the client gets it in pieces. */
async function dribble(s: Socket, b: Buffer): Promise<void> {
  for (const byte of b) {
    s.write(Buffer.from([byte]));
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('a server that closes the connection mid-command', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    // Answers the handshake (+OK to AUTH/SETNAME/PING, an empty INFO), then hangs up on LLEN.
    server = createServer((s) =>
      s.on('data', (d) => {
        const text = d.toString('latin1');
        if (/LLEN/i.test(text)) return s.destroy();
        if (/GET/i.test(text)) return void dribble(s, Buffer.from('$4\r\nab\r\n\r\n'));
        const n = (text.match(/(^|\r\n)\*\d+\r\n/g) ?? []).length;
        s.write('+OK\r\n'.repeat(n));
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('rejects the command with "Connection is closed.", as ioredis, and every later one', async () => {
    const [l, i] = await both(async (c) => {
      const fresh = await (c === lean ? connectLeanRedis : connectRedis)(`redis://127.0.0.1:${port}`, opts);
      const first = await fresh.llen('k').catch((e: Error) => e.message);
      const later = await fresh.get('k').catch((e: Error) => e.message);
      fresh.disconnect();
      return [first, later];
    });
    expect(l).toEqual({ ok: ['Connection is closed.', 'Connection is closed.'] });
    expect(l).toEqual(i);
  });

  it('a reply that arrives a byte at a time (CR and LF apart) is read whole', async () => {
    const c = await connectLeanRedis(`redis://127.0.0.1:${port}`, opts);
    expect(await c.get('k')).toBe('ab\r\n');
    c.disconnect();
  });

  it('a pipeline cut short gives an error per command, as ioredis', async () => {
    const [l, i] = await both(async (c) => {
      const fresh = await (c === lean ? connectLeanRedis : connectRedis)(`redis://127.0.0.1:${port}`, opts);
      const out = await fresh.pipeline().llen('a').llen('b').exec();
      fresh.disconnect();
      return out?.map(([err]) => (err as Error).message);
    });
    expect(l).toEqual({ ok: ['Connection is closed.', 'Connection is closed.'] });
    expect(l).toEqual(i);
  });
});
