// Which days `serial prime` covers and how long each key must live, in LoonFlow's time zone.
import { describe, expect, it } from 'vitest';
import { PRIME_MARGIN_S, primeDates, primeExpiry } from '../../src/serial/prime.js';

const iso = (unixS: number) => new Date(unixS * 1000).toISOString();

describe('serial prime dates', () => {
  it('today and the next N days, today taken in the time zone (00:30 in Shanghai is still 16:30 UTC)', () => {
    const now = new Date('2026-11-24T16:30:00Z');
    expect(primeDates('Asia/Shanghai', 2, now)).toEqual(['2026-11-25', '2026-11-26', '2026-11-27']);
    expect(primeDates('UTC', 0, now)).toEqual(['2026-11-24']);
    expect(primeDates('UTC', 1, new Date('2026-12-31T23:00:00Z'))).toEqual(['2026-12-31', '2027-01-01']);
  });

  it('a key must live until the next local midnight plus the margin', () => {
    expect(PRIME_MARGIN_S).toBeGreaterThan(0);
    expect(iso(primeExpiry('2026-11-25', 'Asia/Shanghai', 0))).toBe('2026-11-25T16:00:00.000Z');
    expect(iso(primeExpiry('2026-11-25', 'Asia/Shanghai'))).toBe(
      new Date(Date.parse('2026-11-25T16:00:00Z') + PRIME_MARGIN_S * 1000).toISOString(),
    );
  });

  it('days of 23 and 25 hours end at their own midnight (DST zones)', () => {
    expect(iso(primeExpiry('2026-03-29', 'Europe/Berlin', 0))).toBe('2026-03-29T22:00:00.000Z');
    expect(iso(primeExpiry('2026-10-25', 'Europe/Berlin', 0))).toBe('2026-10-25T23:00:00.000Z');
  });
});
