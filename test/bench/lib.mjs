// Small shared helpers for benchmarks: timing child processes and printing ratios.
import { spawnSync } from 'node:child_process';

export const BIN = new URL('../../bin/loonctl.js', import.meta.url).pathname;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median wall time (ms) of running a command `runs` times (after one warm-up). */
export function timeCommand(cmd, args, runs = 10, opts = {}) {
  spawnSync(cmd, args, { stdio: 'ignore', ...opts });
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: 'ignore', ...opts });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  }
  return median(times);
}

export function report(label, value, floorLabel, floor, unit = 'ms', target) {
  const ratio = value / floor;
  const verdict =
    target === undefined ? '' : ratio <= target ? `  (target <= ${target}x: met)` : `  (target <= ${target}x: MISSED)`;
  console.log(
    `${label.padEnd(44)} ${value.toFixed(2).padStart(9)} ${unit}   ${ratio.toFixed(2)}x ${floorLabel} (${floor.toFixed(2)} ${unit})${verdict}`,
  );
  return ratio;
}

/**
 * The Redis db benchmarks work in (LOONCTL_BENCH_REDIS_URL, default db 15): a client, or null (with a
 * line saying so) when the db holds data, which a benchmark must never touch.
 */
export async function benchRedis() {
  const { Redis } = await import('ioredis');
  const url = process.env.LOONCTL_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
  const client = new Redis(url);
  if ((await client.dbsize()) !== 0) {
    console.log(`skipped: ${url} is not empty (set LOONCTL_BENCH_REDIS_URL to an empty db)`);
    client.disconnect();
    return null;
  }
  return { url, client };
}
