import type { Movement } from './flow-align.js';

/**
 * Messages of one bucket grouped by the look that first saw them: `[first_seen_ms, count]`, oldest
 * (tail side) first, counts summing to the list length. A list is first in, first out, so pops come off
 * the oldest cohorts; the first cohort's time bounds the age of the message that runs next.
 */
export type Cohort = [number, number];

const MAX_COHORTS = 48;

/** Takes `n` messages off the oldest cohorts. */
function takeOldest(cohorts: Cohort[], n: number): Cohort[] {
  const out = cohorts.map((c): Cohort => [c[0], c[1]]);
  while (n > 0 && out.length > 0) {
    const take = Math.min(n, out[0][1]);
    out[0][1] -= take;
    n -= take;
    if (out[0][1] === 0) out.shift();
  }
  return out;
}

/** Merges the two neighbours closest in time, keeping the later time (ages stay lower bounds). */
function cap(cohorts: Cohort[]): Cohort[] {
  const out = cohorts.filter((c) => c[1] > 0);
  while (out.length > MAX_COHORTS) {
    let best = 0;
    for (let i = 1; i < out.length - 1; i++) if (out[i + 1][0] - out[i][0] < out[best + 1][0] - out[best][0]) best = i;
    out.splice(best, 2, [out[best + 1][0], out[best][1] + out[best + 1][1]]);
  }
  return out;
}

/**
 * The cohorts after a movement seen at `now`. When the counts are only lower bounds, more old messages
 * may have gone than counted, so every message is taken as first seen now (the age restarts, still a
 * lower bound). Middle removals are taken from the oldest, which can only make the age smaller.
 */
export function nextCohorts(cohorts: Cohort[], m: Movement, length: number, now: number): Cohort[] {
  if (!m.exact) return length > 0 ? [[now, length]] : [];
  let out = takeOldest(cohorts, m.dequeued + m.removed);
  if (m.restored > 0) out.unshift([now, m.restored]);
  if (m.enqueued > 0) out.push([now, m.enqueued]);
  const sum = out.reduce((n, c) => n + c[1], 0);
  if (sum > length) out = takeOldest(out, sum - length);
  else if (sum < length) out.push([now, length - sum]);
  return cap(out);
}

/** The earliest first-seen time among the messages still there, or null for an empty list. */
export function oldestSeen(cohorts: Cohort[]): number | null {
  let min: number | null = null;
  for (const [t, n] of cohorts) if (n > 0 && (min === null || t < min)) min = t;
  return min;
}
