// `loonctl top` on a 1,000,000-message queue (a private redis-server, so INFO counts only top's traffic),
// in a pseudo-terminal: time to the first frame with data against `node -e 0`, idle CPU at the default
// 2 s interval, and the bytes each refresh transfers against the size of the backlog.
import { spawn, spawnSync } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { BIN, median } from './lib.mjs';

const N = Number(process.env.LOONCTL_BENCH_TOP_MESSAGES ?? 1_000_000);
const HARNESS = new URL('./pty-run.py', import.meta.url).pathname;
const node = process.execPath;

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function startRedis() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const s = new Socket();
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
      s.connect(port, '127.0.0.1');
    });
    if (ok) return { port, stop: () => child.kill('SIGKILL') };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start');
}

/** A protocol 2 message as Celery 5.2 writes it for LoonFlow's run_flow_task (JSON, base64 body). */
function message(i) {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const body = Buffer.from(
    JSON.stringify([[i, 'script', 3], {}, { callbacks: null, errbacks: null, chain: null, chord: null }]),
  );
  return JSON.stringify({
    body: body.toString('base64'),
    'content-encoding': 'utf-8',
    'content-type': 'application/json',
    headers: {
      lang: 'py',
      task: 'tasks.run_flow_task',
      id,
      retries: 0,
      root_id: id,
      parent_id: null,
      argsrepr: `(${i}, 'script', 3)`,
    },
    properties: {
      correlation_id: id,
      delivery_mode: 2,
      delivery_info: { exchange: '', routing_key: 'loonflow' },
      priority: 0,
      body_encoding: 'base64',
      delivery_tag: id,
    },
  });
}

const env = { ...process.env, TERM: 'xterm-256color' };

function pty(marker, hold, port, cmd, extraEnv = {}) {
  const r = spawnSync('/usr/bin/python3', [HARNESS, marker, String(hold), String(port), '100', '30', ...cmd], {
    encoding: 'utf8',
    env: { ...env, ...extraEnv },
  });
  if (r.status !== 0) throw new Error(`pty-run: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

const { Redis } = await import('ioredis');
const server = await startRedis();
const redis = new Redis({ port: server.port });
try {
  let backlog = 0;
  for (let i = 0; i < N; i += 2000) {
    const batch = [];
    for (let k = i; k < Math.min(N, i + 2000); k++) batch.push(message(k));
    for (const m of batch) backlog += Buffer.byteLength(m);
    await redis.lpush('loonflow', ...batch);
  }
  await redis.sadd('_kombu.binding.loonflow', 'loonflow\x06\x16\x06\x16loonflow');
  const url = `redis://127.0.0.1:${server.port}/0`;
  const top = [node, BIN, 'top', '--broker-url', url, '--redis-url', url];
  const count = N.toLocaleString('en-US');
  pty('-', 0, 0, [node, '-e', '0']); // warm-up
  const floor = median(Array.from({ length: 5 }, () => pty('-', 0, 0, [node, '-e', '0']).first_ms));
  pty(count, 0, 0, top);
  // Each run types 2 the moment the first frame shows: how long until the Messages tab answers it.
  const keyed = { PTY_KEY: '2', PTY_KEY_MARKER: '[2 Messages]' };
  const runs = Array.from({ length: 5 }, () => pty(count, 0, 0, top, keyed));
  const first = median(runs.map((r) => r.first_ms));
  const ratio = first / floor;
  console.log(
    `time to first frame, ${count} messages: loonctl top ${first.toFixed(0)} ms, node -e 0 ${floor.toFixed(0)} ms: ` +
      `top ${ratio.toFixed(2)}x slower than the floor (target <= 3x): ${ratio <= 3 ? 'met' : 'MISSED'}`,
  );
  const key = median(runs.map((r) => r.key_ms));
  console.log(
    `time until a key typed at the first frame takes effect: ${key.toFixed(0)} ms from the start, ` +
      `${(key / floor).toFixed(2)}x slower than node -e 0 (no target; the key waits, it is not lost)`,
  );
  const idle = pty(count, 20, server.port, top);
  const cpu = (idle.cpu_s / idle.wall_s) * 100;
  console.log(
    `idle CPU at the 2 s interval, ${count} messages: ${cpu.toFixed(2)}% of one core over ${idle.wall_s.toFixed(0)} s ` +
      `(target < 5%): ${cpu < 5 ? 'met' : 'MISSED'}`,
  );
  const refreshes = idle.wall_s / 2;
  const perRefresh = idle.net_bytes / refreshes;
  console.log(
    `bytes per refresh, ${count} messages: ${Math.round(perRefresh).toLocaleString('en-US')} bytes vs a backlog of ` +
      `${backlog.toLocaleString('en-US')} bytes: a refresh reads ${Math.round(backlog / perRefresh).toLocaleString('en-US')}x ` +
      `less than the backlog (INFO total_net_output_bytes over ${refreshes.toFixed(0)} refreshes)`,
  );
  if (idle.exit !== 0) console.log(`top exited ${idle.exit} on q`);
} finally {
  redis.disconnect();
  server.stop();
}
