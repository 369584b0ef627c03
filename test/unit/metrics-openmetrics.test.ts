import { describe, expect, it } from 'vitest';
import { FamilySet } from '../../src/metrics/families.js';
import { negotiate } from '../../src/metrics/format.js';
import { encodeOpenMetrics } from '../../src/metrics/openmetrics.js';
import { parseExposition } from '../helpers/metrics.js';

/** What Prometheus 2.x sends when it scrapes (before scrape_protocols; the same preference after). */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,' +
  'text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

describe('OpenMetrics text', () => {
  const set = new FamilySet();
  set.gauge('loonctl_queue_ready_messages', 'Ready "messages"\\ per\nqueue.').set({ queue: 'a"b\\c\nd' }, 3);
  set.gauge('loonctl_lock_age_seconds', 'Age.').set({ lock: 'x' }, 1.5);
  set.gauge('loonctl_empty_bytes', 'No samples.');
  set.counter('loonctl_scrape_errors_total', 'Failures.').set({}, 2);
  set.counter('loonctl_busy_seconds_total', 'Time busy.').set({}, Infinity);
  const text = encodeOpenMetrics(set.families);
  const lines = text.split('\n');

  it('ends in # EOF and a line feed, with no empty line before', () => {
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    expect(lines.slice(0, -1).filter((l) => l === '')).toEqual([]);
    expect(encodeOpenMetrics([])).toBe('# EOF\n');
  });

  it('names a counter family without _total and keeps _total on its samples', () => {
    expect(lines).toContain('# TYPE loonctl_scrape_errors counter');
    expect(lines).toContain('# HELP loonctl_scrape_errors Failures.');
    expect(lines).toContain('loonctl_scrape_errors_total 2');
    expect(text).not.toMatch(/^# (TYPE|HELP) \S+_total /m);
  });

  it('writes UNIT only for names ending in a unit, and the unit is a suffix of the family name', () => {
    const units = lines.filter((l) => l.startsWith('# UNIT '));
    expect(units).toEqual([
      '# UNIT loonctl_lock_age_seconds seconds',
      '# UNIT loonctl_empty_bytes bytes',
      '# UNIT loonctl_busy_seconds seconds',
    ]);
    expect(lines).toContain('loonctl_busy_seconds_total +Inf');
    expect(lines).toContain('# TYPE loonctl_queue_ready_messages gauge');
  });

  it('escapes label values and HELP (double quote included), and the values read back', () => {
    expect(lines).toContain('# HELP loonctl_queue_ready_messages Ready \\"messages\\"\\\\ per\\nqueue.');
    expect(lines).toContain('loonctl_queue_ready_messages{queue="a\\"b\\\\c\\nd"} 3');
    expect(parseExposition(text)[0]).toEqual({
      name: 'loonctl_queue_ready_messages',
      labels: { queue: 'a"b\\c\nd' },
      value: 3,
    });
  });
});

describe('format negotiation', () => {
  it("answers Prometheus' own Accept header with OpenMetrics", () => {
    expect(negotiate(PROMETHEUS_ACCEPT)).toBe('openmetrics');
    expect(negotiate('application/openmetrics-text; version=1.0.0; charset=utf-8')).toBe('openmetrics');
    expect(negotiate('Application/OpenMetrics-Text')).toBe('openmetrics');
  });

  it('falls back to Prometheus text for no header, */*, text/plain preferred, q=0 or another version', () => {
    expect(negotiate(undefined)).toBe('prometheus');
    expect(negotiate('*/*')).toBe('prometheus');
    expect(negotiate('text/plain;version=0.0.4')).toBe('prometheus');
    expect(negotiate('application/openmetrics-text;q=0.2,text/plain;q=0.9')).toBe('prometheus');
    expect(negotiate('application/openmetrics-text;q=0,*/*')).toBe('prometheus');
    expect(negotiate('application/openmetrics-text;version=2.0.0')).toBe('prometheus');
    expect(negotiate('application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.5')).toBe('openmetrics');
  });
});
