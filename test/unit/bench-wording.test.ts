// Every benchmark line says plainly which side is faster (never "0.67x faster").
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs helper of the benchmarks, without types
import { faster, verdict } from '../bench/lib.mjs';

const say = faster as (value: number, floorLabel: string, floor: number) => string;
const judge = verdict as (ratio: number, target?: number) => string;

describe('bench wording', () => {
  it('names the faster side with a ratio of at least 1', () => {
    expect(say(140, 'node -e 0', 100)).toBe('1.40x slower than node -e 0');
    expect(say(221, 'redis-py', 329)).toBe('1.49x faster than redis-py');
    expect(say(100.2, 'the floor', 100)).toBe('as fast as the floor');
  });

  it('judges against the target in words', () => {
    expect(judge(1.4, 1.8)).toBe(' (target <= 1.8x): ok');
    expect(judge(2.6, 1.8)).toBe(' (target <= 1.8x): MISSED');
    expect(judge(0.9, 1)).toBe(' (target: not slower): ok');
    expect(judge(0.4, 0.5)).toBe(' (target: at least 2.0x faster): ok');
    expect(judge(1.2)).toBe('');
  });
});
