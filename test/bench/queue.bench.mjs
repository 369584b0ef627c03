// queue benchmarks, each against a floor measured in the same run (Redis db 15 must be empty):
// read:  peek --limit 100 on 1,000,000 messages (ms, peak RSS); export of 100,000 vs
//        `redis-cli --raw LRANGE` (target within 3x, RSS < 200 MB); list over 200 queues / 1M messages.
// write: move of 10k/100k/1M vs Redis moving them itself (LMOVE loop in one Lua call; target within 3x,
//        linear); filtered purge of half of 10k/100k/1M (linear); requeue --unacked of 10,000 vs kombu's
//        own restore_visible in Python (target < 1 s and linear).
import { spawnSync } from 'node:child_process';
import { BIN, benchRedis } from './lib.mjs';

const bench = await benchRedis();
if (!bench) process.exit(0);
const { url: URL_, client: r } = bench;
const DB = new URL(URL_).pathname.slice(1) || '0';
const only = process.argv[2];

function msg(i, queue = 'loonflow', task = i % 2 ? 'tasks.flow_hook_task' : 'tasks.send_ticket_notice') {
  const body = Buffer.from(
    `[[${i}], {}, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]`,
  ).toString('base64');
  return `{"body": "${body}", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"lang": "py", "task": "${task}", "id": "id-${i}", "retries": 0, "root_id": "id-${i}", "parent_id": null, "argsrepr": "(${i},)", "kwargsrepr": "{}", "origin": "gen1@bench"}, "properties": {"correlation_id": "id-${i}", "reply_to": "r", "delivery_mode": 2, "delivery_info": {"exchange": "", "routing_key": "${queue}"}, "priority": 0, "body_encoding": "base64", "delivery_tag": "tag-${i}"}}`;
}
async function fill(key, n, queue = 'loonflow') {
  for (let i = 0; i < n; i += 5000) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 5000); j++) batch.push(msg(j, queue));
    await r.lpush(key, ...batch);
  }
}
function timed(cmd, args) {
  const t0 = performance.now();
  const res = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${res.stderr}`);
  const rssKb = Number(res.stderr.trim().split('\n').pop());
  return { ms, rssMb: rssKb / 1024 };
}
const loonctl = (...args) => timed(process.execPath, [BIN, ...args, '--broker-url', URL_, '-q']);
const lmoveFloor = async (n) => {
  await r.del('floor-src', 'floor-dst');
  await fill('floor-src', n);
  const t0 = performance.now();
  await r.eval(
    "local n = 0 while redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT') do n = n + 1 end return n",
    2,
    'floor-src',
    'floor-dst',
  );
  const ms = performance.now() - t0;
  await r.del('floor-src', 'floor-dst');
  return ms;
};

try {
  if (!only || only === 'read') {
    await fill('loonflow', 1_000_000);
    const peek = loonctl('queue', 'peek', 'loonflow', '--limit', '100', '--json');
    console.log(
      `peek --limit 100 on 1,000,000 messages: ${peek.ms.toFixed(0)} ms, peak RSS ${peek.rssMb.toFixed(0)} MB (reads only the first pages)`,
    );
    const p = r.pipeline();
    for (let q = 0; q < 199; q++) p.lpush(`q${q}`, msg(q, `q${q}`));
    await p.exec();
    const list = loonctl('queue', 'list', '--json');
    console.log(
      `queue list, 200 queues / 1,000,199 messages: ${list.ms.toFixed(0)} ms (one pipelined round of ${200 * 4} LLENs)`,
    );
    await r.flushdb();
    await fill('loonflow', 100_000);
    const floor = timed('sh', ['-c', `redis-cli -n ${DB} --raw LRANGE loonflow 0 -1 > /dev/null`]);
    const exp = loonctl('queue', 'export', 'loonflow', '-f', '/dev/null');
    console.log(
      `export of 100,000: ${exp.ms.toFixed(0)} ms = ${(exp.ms / floor.ms).toFixed(2)}x redis-cli --raw LRANGE (${floor.ms.toFixed(0)} ms; target <= 3x), peak RSS ${exp.rssMb.toFixed(0)} MB (target < 200 MB)`,
    );
    const bare = loonctl('queue', 'export', 'loonflow', '-f', '/dev/null', '--no-summary');
    console.log(
      `export --no-summary of 100,000: ${bare.ms.toFixed(0)} ms = ${(bare.ms / floor.ms).toFixed(2)}x the same floor, peak RSS ${bare.rssMb.toFixed(0)} MB`,
    );
    await r.flushdb();
  }
  if (!only || only === 'write') {
    for (const n of [10_000, 100_000, 1_000_000]) {
      const floor = await lmoveFloor(n);
      await fill('loonflow', n);
      const mv = loonctl('queue', 'move', 'loonflow', 'dst', '--yes');
      const moved = await r.llen('dst');
      console.log(
        `move ${n}: ${mv.ms.toFixed(0)} ms = ${(mv.ms / floor).toFixed(2)}x Redis LMOVE loop (${floor.toFixed(0)} ms), ${((mv.ms / n) * 1000).toFixed(1)} us/message, moved ${moved}, RSS ${mv.rssMb.toFixed(0)} MB`,
      );
      await r.flushdb();
    }
    for (const n of [10_000, 100_000, 1_000_000]) {
      await fill('loonflow', n);
      const pg = loonctl('queue', 'purge', 'loonflow', '--task', 'tasks.send_*', '--yes');
      console.log(
        `filtered purge of ${n / 2} of ${n}: ${pg.ms.toFixed(0)} ms, ${((pg.ms / n) * 1000).toFixed(1)} us/message scanned, left ${await r.llen('loonflow')}`,
      );
      await r.flushdb();
    }
    for (const n of [1000, 10_000]) {
      const makeUnacked = async () => {
        const now = Math.floor(Date.now() / 1000) - 7200;
        for (let i = 0; i < n; i += 1000) {
          const p = r.pipeline();
          for (let j = i; j < Math.min(n, i + 1000); j++) {
            p.hset('unacked', `tag-${j}`, `[${msg(j)}, "", "loonflow"]`);
            p.zadd('unacked_index', now, `tag-${j}`);
          }
          await p.exec();
        }
      };
      await makeUnacked();
      const rq = loonctl('queue', 'requeue', '--unacked');
      const restored = await r.llen('loonflow');
      await r.flushdb();
      await makeUnacked();
      const py = spawnSync(
        '/usr/bin/python3',
        [
          '-c',
          `
import time
from kombu import Connection
conn = Connection(${JSON.stringify(URL_)})
ch = conn.default_channel
client = ch.client
t = time.perf_counter()
while client.hlen('unacked'):
    ch.qos.restore_visible(num=10)
print((time.perf_counter() - t) * 1000)
`,
        ],
        { encoding: 'utf8' },
      );
      const kombuMs = Number(py.stdout.trim());
      console.log(
        `requeue --unacked of ${n}: ${rq.ms.toFixed(0)} ms (restored ${restored}); kombu restore_visible in a tight loop: ${kombuMs.toFixed(0)} ms = ${(kombuMs / rq.ms).toFixed(1)}x slower${py.status ? ` (python failed: ${py.stderr.slice(0, 200)})` : ''}`,
      );
      await r.flushdb();
    }
  }
} finally {
  await r.flushdb();
  r.disconnect();
}
