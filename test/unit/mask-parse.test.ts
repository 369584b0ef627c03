import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { maskUrl, maskUrlsIn } from '../../src/core/mask.js';
import { addDays, dateIn, dateRange, parseDate, parseDuration, parseIntOption } from '../../src/core/parse.js';
import { redisOptionsFromUrl } from '../../src/redis/url.js';

describe('maskUrl', () => {
  it.each([
    ['redis://:secret@host:6379/0', 'redis://:****@host:6379/0'],
    ['redis://user:secret@host:6379/0', 'redis://user:****@host:6379/0'],
    ['postgres://lf:p%40ss@db:5432/loonflow', 'postgres://lf:****@db:5432/loonflow'],
    ['mysql://root@db/lf', 'mysql://root@db/lf'],
    ['redis://host:6379/0', 'redis://host:6379/0'],
    ['sentinel://:pw@h1:26379;sentinel://:pw@h2:26379/0', 'sentinel://:****@h1:26379;sentinel://:****@h2:26379/0'],
  ])('%s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });
  it('masks URLs inside messages', () => {
    expect(maskUrlsIn('cannot reach redis://:hunter2@r:1/0 now')).toBe('cannot reach redis://:****@r:1/0 now');
  });
});

describe('parsers', () => {
  it('durations', () => {
    expect(parseDuration('30s', 'x')).toBe(30_000);
    expect(parseDuration('1h30m', 'x')).toBe(5_400_000);
    expect(parseDuration('500ms', 'x')).toBe(500);
    expect(parseDuration('2', 'x')).toBe(2000);
    expect(() => parseDuration('1x', '--ttl')).toThrow(UsageError);
    expect(() => parseDuration('', '--ttl')).toThrow(UsageError);
    expect(() => parseDuration('-5s', '--ttl')).toThrow(UsageError);
  });
  it('whole numbers', () => {
    expect(parseIntOption('5', 'n', 1)).toBe(5);
    expect(() => parseIntOption('0', '--count', 1)).toThrow(/out of range/);
    expect(() => parseIntOption('abc', '--count', 1)).toThrow(/not a whole number/);
    expect(() => parseIntOption('1.5', '--count', 1)).toThrow(/not a whole number/);
  });
  it('dates in a time zone', () => {
    expect(parseDate('2024-02-29', 'UTC')).toBe('2024-02-29');
    expect(() => parseDate('2025-02-30', 'UTC')).toThrow(/does not exist/);
    expect(() => parseDate('20250101', 'UTC')).toThrow(/not a date/);
    // 2024-03-01T17:00Z is already March 2nd in Shanghai (UTC+8) and still March 1st in New York.
    const at = new Date('2024-03-01T17:00:00Z');
    expect(dateIn('Asia/Shanghai', at)).toBe('2024-03-02');
    expect(dateIn('America/New_York', at)).toBe('2024-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(parseDate('yesterday', 'UTC')).toBe(addDays(dateIn('UTC'), -1));
  });
  it('date ranges', () => {
    expect(dateRange('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(() => dateRange('2024-03-01', '2024-02-28')).toThrow(/backwards/);
    expect(() => dateRange('2024-01-01', '2025-01-02')).toThrow(/longer than 366/);
  });
});

describe('Redis URLs', () => {
  it('parses the supported forms', () => {
    expect(redisOptionsFromUrl('redis://:pw@h:6380/3')).toMatchObject({ host: 'h', port: 6380, password: 'pw', db: 3 });
    expect(redisOptionsFromUrl('rediss://h')).toMatchObject({ host: 'h', port: 6379, tls: {} });
    expect(redisOptionsFromUrl('unix:///run/redis.sock?db=2')).toMatchObject({ path: '/run/redis.sock', db: 2 });
    expect(redisOptionsFromUrl('sentinel://:pw@s1:26379;sentinel://:pw@s2:26380/1', 'mymaster')).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      name: 'mymaster',
      password: 'pw',
      db: 1,
    });
  });
  it('rejects malformed URLs without echoing the password', () => {
    expect(() => redisOptionsFromUrl('http://:pw@h')).toThrow(/unsupported scheme/);
    expect(() => redisOptionsFromUrl('redis://:topsecret@h/abc')).toThrow(/not a number/);
    try {
      redisOptionsFromUrl('redis://:topsecret@h/abc');
    } catch (e) {
      expect((e as Error).message).not.toContain('topsecret');
    }
    expect(() => redisOptionsFromUrl('sentinel://s1:26379')).toThrow(/master name/);
    expect(() => redisOptionsFromUrl('localhost:6379')).toThrow(UsageError);
  });
});
