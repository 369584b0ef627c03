// `loonctl doctor` for cron on a 200,000-message backlog against the same command on an empty broker (same run,
// a redis-server of the bench's own so INFO's byte counter is only ours). Doctor's broker work must not grow
// with the backlog: flow reads the ends of each bucket, the ETA check the next 1,000 messages per queue.
// Targets: at most 1.5x the empty-broker time; under 2% of the backlog's bytes read per run.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { BIN, report, timeCommand } from './lib.mjs';

const { Redis } = await import('ioredis');
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const server = spawn(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  {
    stdio: 'ignore',
  },
);
const url = `redis://127.0.0.1:${port}/0`;
const client = new Redis(url, { retryStrategy: (n) => (n > 50 ? null : 100) });
client.on('error', () => {});
try {
  await client.ping();
  const args = [BIN, 'doctor', '-q', '--redis-url', url, '--skip', 'database,queue-consumers,long-running-tasks'];
  const empty = timeCommand(process.execPath, args, 7, { allowFail: true });

  const N = 200_000;
  const body = Buffer.from(JSON.stringify([[1, 'x'.repeat(200)], {}, {}])).toString('base64');
  let bytes = 0;
  for (let i = 0; i < N; i += 1000) {
    const batch = [];
    for (let j = i; j < Math.min(N, i + 1000); j++) {
      const m = JSON.stringify({
        body,
        'content-encoding': 'utf-8',
        'content-type': 'application/json',
        headers: { lang: 'py', task: 'tasks.flow_hook_task', id: `id-${j}`, eta: null, retries: 0 },
        properties: { delivery_info: { exchange: '', routing_key: 'loonflow' }, priority: 0, delivery_tag: `t-${j}` },
      });
      bytes += m.length;
      batch.push(m);
    }
    await client.lpush('loonflow', ...batch);
  }
  const full = timeCommand(process.execPath, args, 7, { allowFail: true });
  const ratio = report(`loonctl doctor, ${N} ready`, full, 'doctor on an empty broker', empty, 'ms', 1.5);
  const plain = ratio >= 1 ? `${ratio.toFixed(2)}x slower` : `${(1 / ratio).toFixed(2)}x faster`;
  console.log(`  doctor on ${N} ready messages is ${plain} than on an empty broker (target <= 1.5x slower)`);
  const out = async () => Number(/total_net_output_bytes:(\d+)/.exec(await client.info('stats'))[1]);
  const before = await out();
  timeCommand(process.execPath, args, 1, { allowFail: true });
  const after = await out();
  // timeCommand runs twice (a warm-up and one timed run); our own INFO reply is a few KB.
  const perRun = (after - before) / 2;
  const share = (100 * perRun) / bytes;
  console.log(
    `bytes read per doctor run: ${(perRun / 1e6).toFixed(2)} MB of a ${(bytes / 1e6).toFixed(0)} MB backlog ` +
      `(${share.toFixed(2)}%, target < 2%: ${share < 2 ? 'met' : 'MISSED'})`,
  );
} finally {
  client.disconnect();
  server.kill('SIGKILL');
}
