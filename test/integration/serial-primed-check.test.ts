// doctor: "tomorrow's counter not primed after a configurable hour" (LoonFlow races on an absent key).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { startOfDayUtc } from '../../src/core/timezone.js';
import { parseClockTime, serialPrimedCheck } from '../../src/doctor/serial-primed.js';
import { claimRedisDb, type TestRedis } from '../helpers/redis.js';

const TZ = 'Asia/Shanghai';
const KEY = 'ticket_day_count_2030-06-02';
/** Local wall-clock time in Shanghai (UTC+8, no DST) on 2030-06-01. */
const at = (hhmm: string) => new Date(`2030-06-01T${hhmm}:00+08:00`);
const endOfTomorrow = startOfDayUtc('2030-06-03', TZ).getTime();

let redis: TestRedis;
beforeAll(async () => {
  redis = await claimRedisDb();
});
afterAll(async () => {
  await redis.release();
});

describe('doctor check: serial primed', () => {
  it('absent before the hour: ok, saying when it will warn', async () => {
    await redis.flush();
    const r = await serialPrimedCheck(redis.client, { tz: TZ, now: at('21:59') });
    expect(r).toMatchObject({ name: 'serial primed', status: 'ok' });
    expect(r.detail).toMatch(/2030-06-02 not primed yet.*22:00/);
  });

  it('absent after the hour: warn, naming the key and the fix', async () => {
    await redis.flush();
    const r = await serialPrimedCheck(redis.client, { tz: TZ, now: at('22:00') });
    expect(r.status).toBe('warn');
    expect(r.detail).toMatch(new RegExp(`${KEY} absent.*loonctl serial prime`));
    expect(r.data).toMatchObject({ date: '2030-06-02', key: KEY, counter: null, primed: false });
  });

  it('the hour is configurable', async () => {
    await redis.flush();
    expect((await serialPrimedCheck(redis.client, { tz: TZ, now: at('20:30'), after: '20:15' })).status).toBe('warn');
    expect((await serialPrimedCheck(redis.client, { tz: TZ, now: at('20:30'), after: '21' })).status).toBe('ok');
  });

  it('primed with an expiry past the end of tomorrow: ok', async () => {
    await redis.flush();
    await redis.client.set(KEY, '0');
    await redis.client.pexpireat(KEY, endOfTomorrow + 3_600_000);
    const r = await serialPrimedCheck(redis.client, { tz: TZ, now: at('23:00') });
    expect(r.status).toBe('ok');
    expect(r.data).toMatchObject({ counter: 0, primed: true });
  });

  it('present without expiry: ok (it never lapses)', async () => {
    await redis.flush();
    await redis.client.set(KEY, '3');
    expect((await serialPrimedCheck(redis.client, { tz: TZ, now: at('23:00') })).status).toBe('ok');
  });

  it('present but expiring before tomorrow ends: warn (LoonFlow would find it absent again)', async () => {
    await redis.flush();
    await redis.client.set(KEY, '0');
    await redis.client.pexpireat(KEY, endOfTomorrow - 6 * 3_600_000);
    const r = await serialPrimedCheck(redis.client, { tz: TZ, now: at('23:00') });
    expect(r.status).toBe('warn');
    expect(r.detail).toMatch(/expires before the day ends/);
  });

  it('not an integer: warn, left alone', async () => {
    await redis.flush();
    await redis.client.set(KEY, 'oops');
    const r = await serialPrimedCheck(redis.client, { tz: TZ, now: at('10:00') });
    expect(r.status).toBe('warn');
    expect(r.detail).toMatch(/not an integer/);
    expect(await redis.client.get(KEY)).toBe('oops');
  });

  it('parseClockTime: HH or HH:MM, anything else is a usage error', () => {
    expect(parseClockTime('22:00')).toBe(22 * 60);
    expect(parseClockTime('7')).toBe(7 * 60);
    expect(parseClockTime('23:59')).toBe(23 * 60 + 59);
    for (const bad of ['24:00', '22:60', 'ten', '', '-1']) expect(() => parseClockTime(bad)).toThrow(UsageError);
  });
});
