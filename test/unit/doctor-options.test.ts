// Issue 13: doctor's option parsing. Repeatable options (flag repeats, comma lists, config arrays joined by
// commas) and per-queue threshold items; every bad value is a usage error naming the flag.
import { describe, expect, it } from 'vitest';
import { parseOptionValue } from '../../src/commands/resolve-input.js';
import type { OptionSpec } from '../../src/commands/spec.js';
import { UsageError } from '../../src/core/errors.js';
import { CHECK_NAMES, checkSlug, displayName, parseSkip } from '../../src/doctor/check-names.js';
import { limitFor, makeThresholds, queueLimits } from '../../src/doctor/thresholds.js';

const SKIP: OptionSpec = { name: 'skip', type: 'string', repeatable: true, choices: CHECK_NAMES, description: '' };
const LIST: OptionSpec = { name: 'queue-max-ready', type: 'string', repeatable: true, description: '' };

describe('repeatable string options', () => {
  it('flag repeats, comma lists and config text all give one list', () => {
    expect(parseOptionValue(LIST, ['a=1', 'b=2,c=3'])).toEqual(['a=1', 'b=2', 'c=3']);
    expect(parseOptionValue(LIST, 'a=1, b=2')).toEqual(['a=1', 'b=2']);
    expect(parseOptionValue(LIST, undefined)).toBeUndefined();
  });

  it('choices are checked item by item, the error listing them', () => {
    expect(parseOptionValue(SKIP, ['eta-delay,redis'])).toEqual(['eta-delay', 'redis']);
    expect(() => parseOptionValue(SKIP, ['eta-delay,etta'])).toThrow(
      /--skip: 'etta' is not one of redis, redis-version/,
    );
  });
});

describe('check names', () => {
  it('every report name maps to a --skip name and back', () => {
    for (const slug of CHECK_NAMES) expect(checkSlug(displayName(slug))).toBe(slug);
    expect(displayName('long-running-tasks')).toBe('long-running tasks');
    expect(displayName('maxmemory-policy')).toBe('maxmemory-policy');
    expect([...parseSkip(['serial primed', 'eta-delay'])]).toEqual(['serial-primed', 'eta-delay']);
    expect(() => parseSkip(['nope'])).toThrow(UsageError);
  });
});

describe('per-queue thresholds', () => {
  it('QUEUE=VALUE, the last = splits, off turns a queue off, a later item wins', () => {
    const m = queueLimits(['reports=5', 'a=b=7', 'bulk=off', 'reports=9'], '--queue-max-ready', 'int');
    expect([...m]).toEqual([
      ['reports', 9],
      ['a=b', 7],
      ['bulk', null],
    ]);
    expect([...queueLimits(['reports=2h'], '--queue-max-oldest', 'duration')]).toEqual([['reports', 7200]]);
  });

  it.each(['reports', '=5', 'reports=', 'reports=-1', 'reports=lots'])('%s is a usage error', (bad) => {
    expect(() => queueLimits([bad], '--queue-max-ready', 'int')).toThrow(UsageError);
  });

  it('the override wins over the global limit; without either there is none', () => {
    const th = makeThresholds({ maxReady: 10, queueMaxReady: ['reports=50', 'bulk=off'], notDrainingAfterMs: 600_000 });
    expect(limitFor(th.maxReady, 'reports')).toBe(50);
    expect(limitFor(th.maxReady, 'bulk')).toBeNull();
    expect(limitFor(th.maxReady, 'loonflow')).toBe(10);
    expect(limitFor(th.maxOldestS, 'loonflow')).toBeNull();
    expect(th.notDrainingAfterS).toBe(600);
  });
});
