// metrics benchmarks on 200 queues holding 1,000,000 messages, all in one run, on a private redis-server
// started here (its own port and temp dir, killed by pid at the end), so other clients' traffic neither
// slows it nor counts in its INFO byte counters:
// - the whole `metrics` command vs `queue list` (target: within 2x);
// - a `--listen` scrape with the collection cached (target: p99 < 100 ms), and uncached for reference;
// - one collection vs what celery-exporter does per scrape on Redis (one LLEN per queue, here with ioredis),
//   in time and in bytes Redis sends, and what loonctl reads beyond it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, median, report, timeCommand } from './lib.mjs';

const QUEUES = 200;
const MESSAGES = 1_000_000;
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'loonctl-metrics-bench-'));
const server = spawn(
  '/usr/bin/redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
  {
    stdio: 'ignore',
  },
);
const { Redis } = await import('ioredis');
const url = `redis://127.0.0.1:${port}/0`;
const r = new Redis(url, { retryStrategy: (n) => (n > 50 ? null : 100) });
await r.ping();
let used;
const urls = ['--broker-url', url, '--redis-url', url];

function msg(i, queue) {
  const task = ['tasks.flow_hook_task', 'tasks.send_ticket_notice', 'tasks.run_script'][i % 3];
  const body = Buffer.from(`[[${i}], {}, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]`);
  const eta = i % 50 === 0 ? '"2099-01-01T00:00:00+00:00"' : 'null';
  return `{"body": "${body.toString('base64')}", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"lang": "py", "task": "${task}", "id": "id-${i}", "shadow": null, "eta": ${eta}, "expires": null, "group": null, "retries": 0, "timelimit": [null, null], "root_id": "id-${i}", "parent_id": null, "argsrepr": "(${i},)", "kwargsrepr": "{}", "origin": "gen1@bench"}, "properties": {"correlation_id": "id-${i}", "reply_to": "r", "delivery_mode": 2, "delivery_info": {"exchange": "", "routing_key": "${queue}"}, "priority": 0, "body_encoding": "base64", "delivery_tag": "tag-${i}"}}`;
}
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const sentBytes = async () => Number(/total_net_output_bytes:(\d+)/.exec(await r.info('stats'))[1]);
/** Bytes Redis sent while `fn` ran, less the INFO reply that measures it. */
async function bytesDuring(fn) {
  const a = await sentBytes();
  const b = await sentBytes();
  await fn();
  const c = await sentBytes();
  return c - b - (b - a);
}

async function listen(args) {
  const child = spawn(process.execPath, [BIN, 'metrics', ...urls, ...args, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const base = await new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
      const m = /serving (http:\/\/\S+)\/metrics/.exec(err);
      if (m) resolve(`${m[1]}/metrics`);
    });
    child.on('exit', (code) => reject(new Error(`metrics --listen exited ${code}: ${err}`)));
  });
  return { base, stop: () => child.kill('SIGTERM') };
}
async function scrapeTimes(base, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(base);
    await res.text();
    times.push(performance.now() - t0);
  }
  return times;
}

try {
  const per = MESSAGES / QUEUES;
  for (let q = 0; q < QUEUES; q++) {
    const name = `queue-${String(q).padStart(3, '0')}`;
    const batch = [];
    for (let i = 0; i < per; i++) batch.push(msg(q * per + i, name));
    await r.lpush(name, ...batch);
  }
  used = (await r.info('memory')).match(/used_memory_human:(\S+)/)[1];
  console.log(`broker: ${QUEUES} queues, ${MESSAGES.toLocaleString('en')} messages (${used})`);

  const list = timeCommand(process.execPath, [BIN, 'queue', 'list', ...urls, '--json'], 7);
  for (const [label, extra] of [
    ['metrics (whole command)', []],
    ['metrics --no-state (no flow tracking)', ['--no-state']],
  ]) {
    const whole = timeCommand(process.execPath, [BIN, 'metrics', ...urls, ...extra], 7);
    const ratio = whole / list;
    console.log(
      `${label} ${whole.toFixed(0)} ms vs queue list ${list.toFixed(0)} ms: ` +
        `metrics ${ratio >= 1 ? `${ratio.toFixed(2)}x slower` : `${(1 / ratio).toFixed(2)}x faster`} ` +
        `(target <= 2x: ${ratio <= 2 ? 'met' : 'MISSED'})`,
    );
  }

  const cached = await listen(['--cache', '1h']);
  await scrapeTimes(cached.base, 1);
  const hits = await scrapeTimes(cached.base, 500);
  cached.stop();
  const p99 = pct(hits, 99);
  console.log(
    `--listen scrape, cached: p50 ${pct(hits, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms over 500 scrapes ` +
      `(target p99 < 100 ms: ${p99 < 100 ? 'met' : 'MISSED'})`,
  );

  const fresh = await listen(['--cache', '0s', '--no-workers']);
  await scrapeTimes(fresh.base, 2);
  let misses = [];
  const loonctlBytes = (await bytesDuring(async () => (misses = await scrapeTimes(fresh.base, 20)))) / 20;
  fresh.stop();

  const names = [];
  for (let q = 0; q < QUEUES; q++) names.push(`queue-${String(q).padStart(3, '0')}`);
  const exporter = [];
  for (let k = 0; k < 22; k++) {
    const t0 = performance.now();
    for (const n of names) await r.llen(n);
    exporter.push(performance.now() - t0);
  }
  const exporterBytes = await bytesDuring(async () => {
    for (const n of names) await r.llen(n);
  });
  const e = median(exporter.slice(2));
  const m = median(misses);
  report('uncached scrape (one whole collection)', m, 'celery-exporter floor: LLEN x 200', e);
  console.log(
    `  uncached scrape ${m.toFixed(1)} ms vs one LLEN per queue ${e.toFixed(1)} ms: ` +
      `celery-exporter's Redis work is ${(m / e).toFixed(1)}x faster; loonctl sends ${(loonctlBytes / 1024).toFixed(0)} KiB ` +
      `per scrape from Redis vs ${(exporterBytes / 1024).toFixed(1)} KiB (${(loonctlBytes / exporterBytes).toFixed(0)}x), ` +
      `while the messages hold ${used}`,
  );
  console.log(
    '  what loonctl adds for that: every priority bucket (4 LLENs a queue, not 1), queues no worker consumes ' +
      '(bindings + SCAN), unacked per queue and its oldest age, ETA messages and those beyond the visibility ' +
      'timeout, ready messages by task (5,000 messages read inside Redis per collection, task name and ETA ' +
      'only: exact for small queues, sampled beyond), enqueue/dequeue ' +
      'rates and oldest-age lower bound (tail fingerprints), locks, scrape health',
  );
  const cachedVsFloor = p99 / e;
  console.log(
    `cached scrape p99 ${p99.toFixed(1)} ms vs one LLEN per queue ${e.toFixed(1)} ms: ` +
      (cachedVsFloor <= 1
        ? `the cached scrape is ${(1 / cachedVsFloor).toFixed(1)}x faster than celery-exporter's per-scrape Redis work`
        : `celery-exporter's per-scrape Redis work is ${cachedVsFloor.toFixed(1)}x faster than a cached scrape's p99`),
  );
} finally {
  r.disconnect();
  process.kill(server.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
