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

/**
 * How `value` compares with `floor` in words that say which side is faster: "1.40x slower than X",
 * "1.25x faster than X" or "as fast as X" (times: lower is faster).
 */
/**
 * Median wall times (ms) of several commands, each `[cmd, args, opts?]`, run in turns (one warm-up each)
 * so that a machine getting busier or quieter meanwhile weighs on all of them alike.
 */
export function timeCommands(commands, runs = 10) {
  const times = commands.map(() => []);
  const once = ([cmd, args, opts = {}], i) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: 'ignore', ...opts });
    if (i !== undefined) times[i].push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  };
  commands.forEach((c) => once(c));
  for (let run = 0; run < runs; run++) commands.forEach((c, i) => once(c, i));
  return times.map(median);
}

export function faster(value, floorLabel, floor) {
  const ratio = value / floor;
  if (Math.abs(ratio - 1) < 0.005) return `as fast as ${floorLabel}`;
  return ratio > 1
    ? `${ratio.toFixed(2)}x slower than ${floorLabel}`
    : `${(1 / ratio).toFixed(2)}x faster than ${floorLabel}`;
}

/** The verdict on a ratio (value / floor, times) against a target ratio: "(target <= 1.8x): ok" or "MISSED". */
export function verdict(ratio, target) {
  if (target === undefined) return '';
  const goal =
    target > 1
      ? `target <= ${target}x`
      : target === 1
        ? 'target: not slower'
        : `target: at least ${(1 / target).toFixed(1)}x faster`;
  return ` (${goal}): ${ratio <= target ? 'ok' : 'MISSED'}`;
}

/**
 * Prints one line: the label, its time, and how it compares with the floor measured in the same run,
 * e.g. "loonctl --help  92.10 ms: 1.26x slower than node -e 0 (73.00 ms) (target <= 1.3x): ok".
 * Returns the ratio value / floor.
 */
export function report(label, value, floorLabel, floor, unit = 'ms', target) {
  const ratio = value / floor;
  const amount = `${value.toFixed(2).padStart(9)} ${unit}`;
  console.log(
    `${label.padEnd(44)} ${amount}: ${faster(value, floorLabel, floor)} (${floor.toFixed(2)} ${unit})${verdict(ratio, target)}`,
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
