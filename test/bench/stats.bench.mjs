// queue stats (one-shot) at 10k / 100k / 1M messages (10M with LOONCTL_BENCH_10M=1; ~6 GB of Redis memory):
// wall time and peak RSS against a floor measured in the same run: redis-cli reading what loonctl must read
// (the whole list up to the exact limit; beyond it LLEN plus an LRANGE of the sample size). Targets: at
// 10M under 5 s and under 200 MB RSS. Redis db 15 (or LOONCTL_BENCH_REDIS_URL) must be empty.
import { spawnSync } from 'node:child_process';
import { BIN, benchRedis } from './lib.mjs';

const EXACT_LIMIT = 100_000;
const SAMPLE = 20_000;
const bench = await benchRedis();
if (!bench) process.exit(0);
const { url: URL_, client: r } = bench;
const DB = new URL(URL_).pathname.slice(1) || '0';
const sizes = [10_000, 100_000, 1_000_000, ...(process.env.LOONCTL_BENCH_10M ? [10_000_000] : [])];

function msg(i) {
  const task = i % 3 ? 'tasks.flow_hook_task' : 'tasks.send_ticket_notice';
  const body = Buffer.from(`[[${i}], {}, {"callbacks": null, "errbacks": null, "chain": null, "chord": null}]`);
  return `{"body": "${body.toString('base64')}", "content-encoding": "utf-8", "content-type": "application/json", "headers": {"lang": "py", "task": "${task}", "id": "id-${i}", "eta": ${i % 10 ? 'null' : '"2031-01-01T00:00:00+00:00"'}, "retries": 0, "root_id": "id-${i}", "parent_id": null, "argsrepr": "(${i},)", "kwargsrepr": "{}", "origin": "gen1@bench"}, "properties": {"correlation_id": "id-${i}", "reply_to": "r", "delivery_mode": 2, "delivery_info": {"exchange": "", "routing_key": "loonflow"}, "priority": 0, "body_encoding": "base64", "delivery_tag": "tag-${i}"}}`;
}
async function grow(from, to) {
  for (let i = from; i < to; i += 10_000) {
    const batch = [];
    for (let j = i; j < Math.min(to, i + 10_000); j++) batch.push(msg(j));
    await r.lpush('loonflow', ...batch);
  }
}
function timed(cmd, args) {
  const t0 = performance.now();
  const res = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${res.stderr}`);
  return { ms, rssMb: Number(res.stderr.trim().split('\n').pop()) / 1024, stdout: res.stdout };
}
const best = (f, runs) => {
  let out;
  for (let i = 0; i < runs; i++) {
    const x = f();
    if (!out || x.ms < out.ms) out = x;
  }
  return out;
};
const side = (ms, floor) =>
  ms >= floor
    ? `loonctl ${(ms / floor).toFixed(2)}x slower than floor`
    : `loonctl ${(floor / ms).toFixed(2)}x faster than floor`;

try {
  let have = 0;
  for (const n of sizes) {
    await grow(have, n);
    have = n;
    const runs = n >= 1_000_000 ? 1 : 3;
    const stats = best(
      () => timed(process.execPath, [BIN, 'queue', 'stats', 'loonflow', '--json', '--broker-url', URL_]),
      runs,
    );
    const out = JSON.parse(stats.stdout);
    const sampled = n > EXACT_LIMIT;
    const floorCmd = sampled
      ? `redis-cli -n ${DB} LLEN loonflow > /dev/null && redis-cli -n ${DB} --raw LRANGE loonflow 0 ${SAMPLE - 1} > /dev/null`
      : `redis-cli -n ${DB} --raw LRANGE loonflow 0 -1 > /dev/null`;
    const floor = best(() => timed('sh', ['-c', floorCmd]), runs);
    const floorName = sampled ? `redis-cli LLEN + LRANGE of ${SAMPLE}` : 'redis-cli --raw LRANGE of the whole list';
    const how = out.sample ? `sampled ${out.sample.messages} in ${out.sample.windows} windows` : 'exact';
    const limits = [];
    if (n >= 10_000_000) {
      limits.push(`under 5 s: ${stats.ms < 5000 ? 'met' : 'MISSED'}`);
      limits.push(`RSS < 200 MB: ${stats.rssMb < 200 ? 'met' : 'MISSED'}`);
    }
    console.log(
      `queue stats ${n.toLocaleString('en')} (${how}): ${stats.ms.toFixed(0)} ms, peak RSS ${stats.rssMb.toFixed(0)} MB; ` +
        `${side(stats.ms, floor.ms)} (${floorName}: ${floor.ms.toFixed(0)} ms)${limits.length ? '; ' + limits.join(', ') : ''}`,
    );
  }
} finally {
  await r.flushdb();
  r.disconnect();
}
