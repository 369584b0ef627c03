// `loonctl worker ls` against Celery's own `celery inspect ping` (Python, same broker, same run), with 1 and
// 4 live workers: whole-command wall time, medians. Target: at most half of celery's.
import { spawn, spawnSync } from 'node:child_process';
import { BIN, benchRedis, report, timeCommand } from './lib.mjs';

const CELERY_DIR = new URL('../interop/celery/', import.meta.url).pathname;
const redis = await benchRedis();
if (redis) {
  const env = { ...process.env, LOONCTL_BROKER: redis.url, LOONCTL_TASK_LOG: '/dev/null', C_FORCE_ROOT: '1' };
  const workers = [];
  const start = (n) => {
    for (let i = workers.length; i < n; i++) {
      const args = [
        '-m',
        'celery',
        '-A',
        'loonflow_app',
        'worker',
        '-Q',
        'loonflow',
        '-n',
        `bench${i}@host`,
        '-P',
        'solo',
      ];
      args.push('--without-gossip', '--without-mingle', '--without-heartbeat', '-l', 'WARNING');
      workers.push(spawn('/usr/bin/python3', args, { cwd: CELERY_DIR, env, stdio: 'ignore', detached: true }));
    }
  };
  const answering = () => {
    const r = spawnSync(process.execPath, [BIN, 'worker', 'ls', '--json', '--broker-url', redis.url], {
      encoding: 'utf8',
    });
    return r.status === 0 ? JSON.parse(r.stdout).length : 0;
  };
  try {
    for (const n of [1, 4]) {
      start(n);
      for (let i = 0; i < 120 && answering() < n; i++) await new Promise((r) => setTimeout(r, 500));
      const celery = timeCommand(
        '/usr/bin/python3',
        ['-m', 'celery', '-A', 'loonflow_app', 'inspect', 'ping', '--timeout', '1'],
        7,
        {
          cwd: CELERY_DIR,
          env,
        },
      );
      const mine = timeCommand(process.execPath, [BIN, 'worker', 'ls', '--broker-url', redis.url], 7);
      // report() says which side is faster; the target asks for at least twice as fast.
      report(`loonctl worker ls, ${n} worker(s)`, mine, 'celery inspect ping', celery, 'ms', 0.5);
    }
  } finally {
    for (const w of workers) {
      try {
        process.kill(-w.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await redis.client.flushdb();
    redis.client.disconnect();
  }
}
