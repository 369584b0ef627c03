// lock benchmarks against floors measured in the same run:
// - acquire+release pair through the library vs two bare SET NX PX / DEL round trips (target within
//   1.5x) and vs redis-py's Lock acquire+release (target: not slower), in interleaved blocks so that
//   load on the machine weighs on every side alike;
// - `lock run NAME -- true` end to end vs `node -e 0`.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { connectLeanRedis } from '../../dist/redis/lean-connect.js';
import { currentOwner, release, tryAcquire } from '../../dist/lock/locks.js';
import { BIN, benchRedis, report, timeCommands } from './lib.mjs';

const bench = await benchRedis();
if (!bench) process.exit(0);
const { url: REDIS, client: admin } = bench;
const N = 5000;
const BLOCK = 500;

/** redis-py in a process of its own that runs a block of pairs per line read and prints the us taken. */
function redisPy() {
  const py = spawn(
    '/usr/bin/python3',
    [
      '-u',
      '-c',
      `
import redis, sys, time
r = redis.Redis.from_url(${JSON.stringify(REDIS)})
for line in sys.stdin:
    n = int(line)
    t = time.perf_counter()
    for i in range(n):
        l = r.lock('pybench', timeout=30); l.acquire(blocking=False); l.release()
    print((time.perf_counter() - t) * 1e6)
`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  return {
    async run(n) {
      py.stdin.write(`${n}\n`);
      const { value } = await lines.next();
      return Number(value);
    },
    close: () => py.stdin.end(),
  };
}

try {
  // The client the lock commands use (their specs say redis: 'lean').
  const c = await connectLeanRedis(REDIS, { timeoutMs: 5000, role: 'redis' });
  const owner = currentOwner('bench');
  const py = redisPy();
  const floorPair = async () => {
    await c.set('floor', 'x', 'PX', 30000, 'NX');
    await c.del('floor');
  };
  const pair = async () => {
    const r = await tryAcquire(c, 'bench', 30000, owner);
    await release(c, 'bench', r.acquired.token);
  };
  const block = async (fn) => {
    const t0 = performance.now();
    for (let i = 0; i < BLOCK; i++) await fn();
    return (performance.now() - t0) * 1000;
  };
  await block(floorPair);
  await block(pair);
  await py.run(BLOCK);
  let floorUs = 0;
  let pairUs = 0;
  let pyUs = 0;
  for (let b = 0; b < N / BLOCK; b++) {
    floorUs += await block(floorPair);
    pairUs += await block(pair);
    pyUs += await py.run(BLOCK);
  }
  py.close();
  console.log(`acquire+release pair (${N} pairs, metadata and fence written in the same script):`);
  report('  loonctl library', pairUs / N, 'two bare SET/DEL round trips', floorUs / N, 'us', 1.5);
  report('  loonctl library', pairUs / N, 'redis-py Lock acquire+release', pyUs / N, 'us', 1);
  await c.quit();
  const [node, run] = timeCommands(
    [
      [process.execPath, ['-e', '0']],
      [process.execPath, [BIN, 'lock', 'run', 'bench-run', '--redis-url', REDIS, '--', 'true']],
    ],
    10,
  );
  report('loonctl lock run bench-run -- true', run, 'node -e 0', node, 'ms');
} finally {
  await admin.flushdb();
  admin.disconnect();
}
