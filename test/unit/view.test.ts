import { describe, expect, it } from 'vitest';
import { fitColumns, tableOverhead } from '../../src/core/table-fit.js';
import { displayWidth, escapeControls, truncate } from '../../src/core/text.js';
import { formatDuration, formatRelative } from '../../src/core/time-format.js';

describe('durations and relative times', () => {
  it.each([
    [0, '0s'],
    [4.25, '4.3s'],
    [45, '45s'],
    [330, '5m30s'],
    [3600, '1h'],
    [86_399, '23h59m'],
    [90_061, '1d1h'],
    [-330, '-5m30s'],
  ])('%d s is %s', (s, text) => expect(formatDuration(s)).toBe(text));

  it('says in/ago', () => {
    expect(formatRelative(1_000_000 + 3_480_000, 1_000_000)).toBe('in 58m');
    expect(formatRelative(1_000_000 - 720_000, 1_000_000)).toBe('12m ago');
    expect(formatRelative(1_000_000, 1_000_000)).toBe('now');
  });
});

describe('terminal text', () => {
  it('escapes control characters so data can neither clear the screen nor hide text', () => {
    expect(escapeControls('a\x1b[2Jb\x07\n\u202e')).toBe('a\\x1b[2Jb\\x07\\n\\u202e');
    expect(escapeControls('工单 ok')).toBe('工单 ok');
  });

  it('truncates by display width, CJK counting two', () => {
    expect(truncate('工单审批', 5)).toBe('工单…');
    expect(displayWidth(truncate('工单审批', 5))).toBeLessThanOrEqual(5);
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('fitColumns', () => {
  const cols = [
    { header: 'TASK', priority: 1, min: 10 },
    { header: 'ID', priority: 1, min: 8 },
    { header: 'ARGS', priority: 2, min: 10 },
    { header: 'SIZE', priority: 5, min: 4 },
  ];
  const cells = [['tasks.run_flow_task', '6f0b2c1e-8a0e-4b55-9c1d-1c8f6f3a7d10', 'x'.repeat(60), '467']];

  it('keeps everything at full width when it fits', () => {
    const f = fitColumns(cols, cells, 500);
    expect(f.keep).toEqual([0, 1, 2, 3]);
    expect(f.widths).toEqual([19, 36, 60, 4]);
  });

  it('drops the least important columns first, then truncates the widest, and fits', () => {
    for (const width of [40, 60, 80, 120]) {
      const f = fitColumns(cols, cells, width);
      expect(f.keep.slice(0, 2)).toEqual([0, 1]);
      expect(f.widths.reduce((a, b) => a + b, 0) + tableOverhead(f.keep.length)).toBeLessThanOrEqual(width);
      if (f.keep.includes(3)) expect(f.keep).toContain(2);
    }
    expect(fitColumns(cols, cells, 40).keep).toEqual([0, 1]);
  });
});
