import { describe, expect, it } from 'vitest';
import { align, type BucketEnds } from '../../dist/monitor/flow-align.js';
import { nextCohorts, oldestSeen } from '../../dist/monitor/flow-cohorts.js';

const W = 4;
const SEARCHED = 100;
/** A list as ends: elements named by number, `list[0]` the tail (oldest). */
function ends(list: string[]): BucketEnds {
  return { length: list.length, tail: list.slice(0, W), head: list.slice(-W).reverse() };
}
/** Where the old head is now, from the head, as the probe script reports it (-1 when gone or too deep). */
function found(old: string[], now: string[]): number {
  if (old.length === 0) return -1;
  const i = now.lastIndexOf(old[old.length - 1]);
  const fromHead = i < 0 ? -1 : now.length - 1 - i;
  return fromHead > SEARCHED ? -1 : fromHead;
}
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => `m${a + i}`);
const look = (old: string[], now: string[]) => align(ends(old), ends(now), found(old, now), SEARCHED);

describe('align: what moved between two looks at an LPUSH/RPOP list', () => {
  it('pushes and pops within the windows are exact', () => {
    expect(look(range(0, 10), range(3, 12))).toMatchObject({ enqueued: 2, dequeued: 3, exact: true });
  });

  it('more pops than the tail window: the old head still says how many were pushed', () => {
    expect(look(range(0, 50), range(30, 60))).toMatchObject({ enqueued: 10, dequeued: 30, exact: true });
  });

  it('more pushes than the head window: the tail says how many were popped', () => {
    expect(look(range(0, 10), range(2, 300))).toMatchObject({ enqueued: 290, dequeued: 2, exact: true });
  });

  it('both ends lost: lower bounds, said so', () => {
    const m = look(range(0, 50), range(40, 500));
    expect(m).toMatchObject({ exact: false, note: 'tail_lost' });
    expect(m.dequeued).toBeGreaterThanOrEqual(W);
    expect(m.dequeued).toBeLessThanOrEqual(40);
    expect(m.enqueued - m.dequeued).toBe(460 - 50);
  });

  it('everything consumed and the list searched to its end: at least the whole old list went', () => {
    expect(look(range(0, 20), range(30, 33))).toMatchObject({ dequeued: 20, enqueued: 3, exact: false });
    expect(look(range(0, 20), [])).toMatchObject({ dequeued: 20, enqueued: 0 });
  });

  it('a kombu restore pushes at the tail: restored, not enqueued', () => {
    expect(look(range(0, 10), ['r1', 'r2', ...range(0, 11)])).toMatchObject({
      enqueued: 1,
      dequeued: 0,
      restored: 2,
      exact: true,
    });
  });

  it('a filtered purge from the middle: removed, neither pushed nor popped', () => {
    const now = range(1, 30).filter((x) => x !== 'm15' && x !== 'm16');
    expect(look(range(0, 30), now)).toMatchObject({ enqueued: 0, dequeued: 1, removed: 2, exact: true });
  });

  it('identical messages: the explanation with the least traffic, marked ambiguous', () => {
    const same = (n: number) => Array.from({ length: n }, () => 'x');
    const m = look(same(10), same(12));
    expect(m).toMatchObject({ enqueued: 2, dequeued: 0, exact: false, note: 'ambiguous' });
  });

  it('an empty list before: what is there now was pushed', () => {
    expect(look([], range(0, 3))).toMatchObject({ enqueued: 3, dequeued: 0, exact: true });
  });
});

describe('cohorts: first-seen times of what is still queued', () => {
  it('pops come off the oldest; the oldest first-seen bounds the wait', () => {
    let c = nextCohorts([], { enqueued: 5, dequeued: 0, restored: 0, removed: 0, exact: true, note: null }, 5, 1000);
    c = nextCohorts(c, { enqueued: 3, dequeued: 2, restored: 0, removed: 0, exact: true, note: null }, 6, 2000);
    expect(oldestSeen(c)).toBe(1000);
    c = nextCohorts(c, { enqueued: 0, dequeued: 3, restored: 0, removed: 0, exact: true, note: null }, 3, 3000);
    expect(oldestSeen(c)).toBe(2000);
  });

  it('lower-bound counts restart the clock (the age stays a lower bound)', () => {
    const c = nextCohorts(
      [[1000, 5]],
      { enqueued: 9, dequeued: 4, restored: 0, removed: 0, exact: false, note: 'tail_lost' },
      10,
      5000,
    );
    expect(c).toEqual([[5000, 10]]);
  });
});
