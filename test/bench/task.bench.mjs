// task send: one publish by a fresh loonctl process, against two floors measured in the same run:
// bare `node -e 0` (start-up alone) and Celery's own producer (a Python process calling apply_async once),
// which is what an operator would otherwise run. Works in an empty Redis db (LOONCTL_BENCH_REDIS_URL, db 15).
import { BIN, benchRedis, timeCommand } from './lib.mjs';

const bench = await benchRedis();
if (!bench) process.exit(0);
const { url, client } = bench;
const CELERY_DIR = new URL('../interop/celery/', import.meta.url).pathname;

function say(label, value, floorLabel, floor, target) {
  const ratio = value / floor;
  const side = ratio >= 1 ? `${ratio.toFixed(2)}x slower than` : `${(1 / ratio).toFixed(2)}x faster than`;
  const verdict = target === undefined ? '' : ` (target <= ${target}x): ${ratio <= target ? 'ok' : 'MISSED'}`;
  console.log(`${label} ${value.toFixed(1)} ms: ${side} ${floorLabel} ${floor.toFixed(1)} ms${verdict}`);
}

try {
  await client.sadd('_kombu.binding.loonflow', 'loonflow\x06\x16\x06\x16loonflow');
  const node = process.execPath;
  const floor = timeCommand(node, ['-e', '0']);
  const args = [BIN, 'task', 'send', 'tasks.run_flow_task', '--args', '[4711, "3", 12, "admin_retry"]'];
  args.push('--priority', '6', '--countdown', '30s', '--broker-url', url, '--redis-url', url, '-q');
  const send = timeCommand(node, args);
  say('loonctl task send', send, 'node -e 0', floor, 5);
  const py = [
    'import sys; sys.path.insert(0, sys.argv[1])',
    'from loonflow_tasks import run_flow_task',
    "run_flow_task.apply_async(args=[4711, '3', 12, 'admin_retry'], queue='loonflow', priority=6, countdown=30)",
  ].join('\n');
  const env = { ...process.env, LOONCTL_BROKER: url, LOONCTL_LOONFLOW_LINE: '2' };
  const celery = timeCommand('/usr/bin/python3', ['-c', py, CELERY_DIR], 10, { env });
  say('loonctl task send', send, "Celery's apply_async (python3 process)", celery);
} finally {
  await client.flushdb();
  client.disconnect();
}
