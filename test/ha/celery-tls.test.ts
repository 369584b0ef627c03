// Real Celery workers consume over mutual TLS (the same rediss:// URL, in Celery's query spelling, for kombu
// and for loonctl): loonctl requeues what a killed worker held, then moves the queue away and back while another
// worker consumes.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { killWorker, startWorker, waitFor } from '../helpers/celery.js';
import { runCli } from '../helpers/cli.js';
import { makeCerts, startTlsRedis, tlsClient, type Certs, type Server } from '../helpers/ha.js';
import { envelope } from '../helpers/kombu.js';

let certs: Certs;
let server: Server;
let redis: Redis;
const dir = mkdtempSync(join(tmpdir(), 'loonctl-celery-tls-'));
beforeAll(async () => {
  certs = makeCerts();
  server = await startTlsRedis(certs, { authClients: 'yes' });
  redis = tlsClient(certs, server.port, 1);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
  certs?.remove();
  rmSync(dir, { recursive: true, force: true });
});

const ranIds = (log: string): string[] =>
  existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { id: string }).id)
    : [];

it('the worker consumes over TLS while loonctl moves and requeues: every task runs', async () => {
  const q = new URLSearchParams({
    ssl_cert_reqs: 'required',
    ssl_ca_certs: certs.ca,
    ssl_certfile: certs.clientCert,
    ssl_keyfile: certs.clientKey,
  });
  const url = `rediss://127.0.0.1:${server.port}/1?${q}`;
  const cli = async (...args: string[]) => {
    const r = await runCli(['queue', ...args, '--broker-url', url, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Record<string, number>;
  };
  const n = 300;
  const ids = Array.from({ length: n }, (_, i) => `tls-${i}`);
  for (const id of ids) await redis.lpush('loonflow', envelope({ id, args: [Number(id.slice(4))] }));

  const log1 = join(dir, 'w1.log');
  // Slow tasks, acks_late: at any moment this worker holds its running and prefetched tasks unacked.
  const w1 = startWorker({ brokerUrl: url, queues: 'loonflow', log: log1, sleep: 0.3, prefetch: 4 });
  let w2: ReturnType<typeof startWorker> | undefined;
  try {
    await waitFor(() => ranIds(log1).length >= 2, 60_000, 'the worker to run tasks over TLS');
    await waitFor(async () => (await redis.hlen('unacked')) > 0, 10_000, 'the worker to hold tasks');
    await killWorker(w1, 'SIGKILL'); // what it held stays in unacked
    const requeued = await cli('requeue', '--unacked', '--all-ages', '--yes');
    expect(requeued.restored, `requeue said ${JSON.stringify(requeued)}`).toBeGreaterThan(0);
    expect(await redis.hlen('unacked')).toBe(0);
    // A second worker consumes over TLS while loonctl moves the queue away and back.
    const log2 = join(dir, 'w2.log');
    w2 = startWorker({ brokerUrl: url, queues: 'loonflow', log: log2, sleep: 0.01, prefetch: 4 });
    await waitFor(() => ranIds(log2).length >= 1, 60_000, 'the second worker to start');
    const away = await cli('move', 'loonflow', 'parked', '--yes');
    expect(away.moved).toBeGreaterThan(0);
    const back = await cli('move', 'parked', 'loonflow', '--yes');
    expect(back.moved).toBe(away.moved);
    const allRan = () => new Set([...ranIds(log1), ...ranIds(log2)]);
    await waitFor(() => allRan().size === n, 60_000, 'every task to run');
    expect([...allRan()].sort()).toEqual([...ids].sort());
    // Only a task the killed worker finished but had not acked can run twice.
    expect(ranIds(log1).length + ranIds(log2).length - n).toBeLessThanOrEqual(requeued.restored);
    await waitFor(async () => (await redis.hlen('unacked')) === 0, 30_000, 'the second worker to ack everything');
  } finally {
    await killWorker(w1, 'SIGKILL');
    if (w2) await killWorker(w2, 'SIGTERM');
  }
});
