// lock benchmarks against floors measured in the same run:
// - acquire+release pair through the library vs two bare SET NX PX / DEL round trips (target within
//   1.5x) and vs redis-py's Lock acquire+release;
// - `lock run NAME -- true` end to end vs `node -e 0`.
import { spawnSync } from 'node:child_process';
import { connectRedis } from '../../dist/redis/connect.js';
import { currentOwner, release, tryAcquire } from '../../dist/lock/locks.js';
import { BIN, benchRedis, report, timeCommand } from './lib.mjs';

const bench = await benchRedis();
if (!bench) process.exit(0);
const { url: REDIS, client: admin } = bench;
const N = 5000;
try {
  const c = await connectRedis(REDIS, { timeoutMs: 5000, role: 'redis' });
  const owner = currentOwner('bench');
  for (let i = 0; i < 200; i++) {
    await c.set('floor', 'x', 'PX', 30000, 'NX');
    await c.del('floor');
    const r = await tryAcquire(c, 'bench', 30000, owner);
    await release(c, 'bench', r.acquired.token);
  }
  // Interleaved blocks, so drift in loopback latency hits both sides alike.
  let floorMs = 0;
  let pairMs = 0;
  for (let block = 0; block < N / 500; block++) {
    let t0 = performance.now();
    for (let i = 0; i < 500; i++) {
      await c.set('floor', 'x', 'PX', 30000, 'NX');
      await c.del('floor');
    }
    floorMs += performance.now() - t0;
    t0 = performance.now();
    for (let i = 0; i < 500; i++) {
      const r = await tryAcquire(c, 'bench', 30000, owner);
      await release(c, 'bench', r.acquired.token);
    }
    pairMs += performance.now() - t0;
  }
  const floor = (floorMs * 1000) / N;
  const pair = (pairMs * 1000) / N;
  const py = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      `
import redis, time
r = redis.Redis.from_url(${JSON.stringify(REDIS)})
for i in range(200):
    l = r.lock('pybench', timeout=30); l.acquire(blocking=False); l.release()
n = ${N}
t = time.perf_counter()
for i in range(n):
    l = r.lock('pybench', timeout=30); l.acquire(blocking=False); l.release()
print((time.perf_counter() - t) * 1e6 / n)
`,
    ],
    { encoding: 'utf8' },
  );
  const pyPair = Number(py.stdout.trim());
  console.log(`acquire+release pair (${N} pairs, metadata and fence written in the same script):`);
  report('  loonctl library', pair, 'two bare SET/DEL round trips', floor, 'us', 1.5);
  console.log(
    `  redis-py Lock acquire+release: ${pyPair.toFixed(1)} us (loonctl is ${(pyPair / pair).toFixed(2)}x faster)`,
  );
  await c.quit();
  const node = timeCommand(process.execPath, ['-e', '0'], 10);
  const run = timeCommand(process.execPath, [BIN, 'lock', 'run', 'bench-run', '--redis-url', REDIS, '--', 'true'], 10);
  report('loonctl lock run bench-run -- true', run, 'node -e 0', node, 'ms');
} finally {
  await admin.flushdb();
  admin.disconnect();
}
