// Issue 19 items 11 and 12: an import line longer than any message stops the import at that line
// (exit 65 with its number), and shell completion against a hostile or refusing server prints
// nothing and returns within its budget.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportLine } from '../../src/celery/export-format.js';
import { makeTransport } from '../../src/celery/transport.js';
import { importFile } from '../../src/celery/write/import.js';
import { runCli } from '../helpers/cli.js';
import { envelope } from '../helpers/kombu.js';
import { startPasswordRedis } from '../helpers/processes.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'loonctl-edges-'));
let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

/** One export line of a message for `loonflow`, as `queue export` writes it. */
const queueLine = (id: string) =>
  exportLine({
    v: 1,
    source: 'queue',
    queue: 'loonflow',
    bucket: 0,
    position: 0,
    delivery_tag: null,
    message_b64: envelope({ id }).toString('base64'),
  });

describe('import of a line too long (item 11)', () => {
  it('stops at that line, with its number; the lines before it are imported', async () => {
    await redis.flush();
    const ok = queueLine('a');
    const file = join(dir, 'long.jsonl');
    writeFileSync(file, ok + ok + `{"v":1,"x":"${'A'.repeat(300_000)}"}\n` + ok);
    const r = await importFile(redis.client, makeTransport(), file, {
      allowDuplicates: true,
      dryRun: false,
      maxLineBytes: 100_000,
    });
    expect(r.error).toMatchObject({ line: 3, reason: expect.stringMatching(/longer than 100000 bytes/) });
    expect(r.imported).toBe(2);
    expect(await redis.client.llen('loonflow')).toBe(2);
  });
  it('CRLF line ends and a last line without a newline still read', async () => {
    await redis.flush();
    const ok = queueLine('a');
    const file = join(dir, 'crlf.jsonl');
    writeFileSync(file, ok.replace('\n', '\r\n') + ok.trimEnd());
    const r = await importFile(redis.client, makeTransport(), file, { allowDuplicates: true, dryRun: false });
    expect(r).toMatchObject({ imported: 2, lines: 2 });
  });
});

describe('__complete against servers that are not what it expects (item 12)', () => {
  let http: Server;
  let httpPort: number;
  let locked: { port: number; stop: () => void };
  beforeAll(async () => {
    // Answers like a web server: not RESP.
    http = createServer((s) => s.on('data', () => s.write('HTTP/1.1 400 Bad Request\r\n\r\n')));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    httpPort = (http.address() as AddressInfo).port;
    locked = await startPasswordRedis('right');
  });
  afterAll(() => {
    http.close();
    locked.stop();
  });

  it.each([
    ['a web server', () => `redis://127.0.0.1:${httpPort}/0`],
    ['a wrong password', () => `redis://:wrong@127.0.0.1:${locked.port}/0`],
    ['no password', () => `redis://127.0.0.1:${locked.port}/0`],
    ['a db index the server lacks', () => `redis://:right@127.0.0.1:${locked.port}/999`],
  ])('%s: nothing printed, and it returns', async (_what, url) => {
    const r = await runCli(['__complete', 'queues', '', '--broker-url', url()], { timeoutMs: 5000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
  });
});

describe('doctor with keys of an unexpected type (item 10)', () => {
  it('unacked a string: a failed check naming the key, not an internal error', async () => {
    await redis.flush();
    await redis.client.set('unacked', 'not a hash');
    const r = await runCli([
      'doctor',
      '--json',
      '--redis-url',
      redis.url,
      '--database-url',
      'postgres://127.0.0.1:1/none',
      '--timeout',
      '1s',
    ]);
    expect(r.code, r.stderr).toBe(1);
    const checks = JSON.parse(r.stdout).checks as { name: string; status: string; detail: string }[];
    expect(checks.find((c) => c.name === 'celery backlog')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/'unacked' is a string/),
    });
  });
});
