// queue benchmarks, each against a floor measured in the same run (the bench Redis db must be empty):
// read:  peek --limit 100 on 1,000,000 messages (ms, peak RSS); list over 200 queues / 1M messages.
// bulk:  at 10k, 100k and 1M messages (and 10M with LOONCTL_BENCH_10M=1, about 10 GB of Redis memory;
//        =only: 10M alone): unfiltered move vs Redis moving them itself (LMOVE loop in Lua, 100k per call;
//        target <= 3x at 100k and 1M); filtered purge and filtered move of half the messages (linear:
//        per-message time at 1M and 10M <= 1.3x that at 100k, measured again just before each; <= 5x the
//        unfiltered move's per-message time); export with summaries vs
//        `redis-cli --raw LRANGE` (target <= 3x; the floor is skipped at 10M, where redis-cli would hold the
//        whole reply in memory); peak RSS of every child (target < 200 MB).
// (argument 'unfiltered': only the export and unfiltered move lines, for iterating on them.)
// write: requeue --unacked of 1,000 / 10,000 vs kombu's own restore_visible in Python.
import { spawnSync } from 'node:child_process';
import { BIN, benchRedis } from './lib.mjs';

const bench = await benchRedis();
if (!bench) process.exit(0);
const { url: URL_, client: r } = bench;
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
/** Redis moving every element of `src` onto `dst` itself: LMOVE in Lua, 100,000 per call (a few hundred ms of Redis time). */
const lmoveAll = async (src, dst) => {
  const t0 = performance.now();
  for (;;) {
    const n = await r.eval(
      "local n = 0 while n < 100000 and redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT') do n = n + 1 end return n",
      2,
      src,
      dst,
    );
    if (n < 100000) break;
  }
  return performance.now() - t0;
};
// LOONCTL_BENCH_10M=1 adds 10M to the default sizes; =only runs 10M alone (with its paired 100k baseline).
const TEN_M = process.env.LOONCTL_BENCH_10M;
const SIZES = TEN_M === 'only' ? [10_000_000] : [10_000, 100_000, 1_000_000, ...(TEN_M === '1' ? [10_000_000] : [])];
const us = (ms, n) => (ms / n) * 1000;
/** "loonctl 2.10x slower than floor (target <= 3x): ok", saying plainly which side is faster. */
function versus(ratio, who, floor, target) {
  const side = ratio >= 1 ? `${ratio.toFixed(2)}x slower than` : `${(1 / ratio).toFixed(2)}x faster than`;
  const goal = target === undefined ? '' : ` (target <= ${target}x): ${ratio <= target ? 'ok' : 'MISSED'}`;
  return `${who} ${side} ${floor}${goal}`;
}
const rss = (mb) => `peak RSS ${mb.toFixed(0)} MB (target < 200 MB): ${mb < 200 ? 'ok' : 'MISSED'}`;
const fmt = (n) => n.toLocaleString('en-US');

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
  }
  if (!only || only === 'bulk' || only === 'unfiltered') {
    /**
     * Filtered move of half of n, (untimed) back, then filtered purge of the same half; per-message times.
     * Linearity is judged against 100k measured just before (the machine's load drifts over a long run).
     */
    const filtered = async (n) => {
      await fill('loonflow', n);
      const out = {};
      for (const [key, what, args, left] of [
        ['fmove', 'filtered move', ['move', 'loonflow', 'other', '--task', 'tasks.send_*'], 'other'],
        ['fpurge', 'filtered purge', ['purge', 'loonflow', '--task', 'tasks.send_*'], null],
      ]) {
        const run = loonctl('queue', ...args, '--yes');
        const kept = await r.llen('loonflow');
        const taken = left ? await r.llen(left) : n - kept;
        out[key] = { us: us(run.ms, n), ms: run.ms, rssMb: run.rssMb, taken, kept, what };
        if (left) await lmoveAll(left, 'loonflow');
      }
      await r.flushdb();
      return out;
    };
    for (const n of SIZES) {
      const name = fmt(n);
      const target3 = n >= 100_000 ? 3 : undefined;
      const paired = n > 100_000 && only !== 'unfiltered' ? await filtered(100_000) : undefined;
      // Export with summaries vs redis-cli reading the same list.
      await fill('loonflow', n);
      if (n < 10_000_000) {
        const floor = timed('sh', ['-c', `redis-cli -u ${URL_} --raw LRANGE loonflow 0 -1 > /dev/null`]);
        const exp = loonctl('queue', 'export', 'loonflow', '-f', '/dev/null');
        console.log(
          `export ${name}: ${exp.ms.toFixed(0)} ms, ${us(exp.ms, n).toFixed(1)} us/message; ${versus(exp.ms / floor.ms, 'loonctl', `redis-cli --raw LRANGE (${floor.ms.toFixed(0)} ms)`, target3)}; ${rss(exp.rssMb)}`,
        );
      } else {
        const exp = loonctl('queue', 'export', 'loonflow', '-f', '/dev/null');
        console.log(
          `export ${name}: ${exp.ms.toFixed(0)} ms, ${us(exp.ms, n).toFixed(1)} us/message (no redis-cli floor at this size: it would hold the whole ${((n * 0.5) / 1e6).toFixed(0)} GB reply); ${rss(exp.rssMb)}`,
        );
      }
      // Unfiltered move vs Redis's own LMOVE loop moving the same messages back.
      const mv = loonctl('queue', 'move', 'loonflow', 'dst', '--yes');
      const moved = await r.llen('dst');
      const floor = await lmoveAll('dst', 'loonflow');
      const moveUs = us(mv.ms, n);
      console.log(
        `move ${name}: ${mv.ms.toFixed(0)} ms, ${moveUs.toFixed(1)} us/message, moved ${fmt(moved)}; ${versus(mv.ms / floor, 'loonctl', `Redis LMOVE loop in Lua (${floor.toFixed(0)} ms)`, target3)}; ${rss(mv.rssMb)}`,
      );
      await r.flushdb();
      if (only === 'unfiltered') continue;
      const f = await filtered(n);
      for (const [key, x] of Object.entries(f)) {
        const linear = paired
          ? `; per message ${versus(x.us / paired[key].us, `at ${name}`, `at 100,000 (${paired[key].us.toFixed(1)} us, measured just before)`, 1.3)}`
          : '';
        console.log(
          `${x.what} of half of ${name}: ${x.ms.toFixed(0)} ms, ${x.us.toFixed(1)} us/message scanned, took ${fmt(x.taken)}, kept ${fmt(x.kept)}; ${versus(x.us / moveUs, 'per message', 'unfiltered move', 5)}${linear}; ${rss(x.rssMb)}`,
        );
      }
    }
  }
  if (!only || only === 'write') {
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
        `requeue --unacked of ${n}: ${rq.ms.toFixed(0)} ms (restored ${restored}); ${versus(rq.ms / kombuMs, 'loonctl', `kombu restore_visible in a tight loop (${kombuMs.toFixed(0)} ms)`)}${py.status ? ` (python failed: ${py.stderr.slice(0, 200)})` : ''}`,
      );
      await r.flushdb();
    }
  }
} finally {
  await r.flushdb();
  r.disconnect();
}
