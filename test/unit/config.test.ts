import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { UsageError } from '../../src/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'loonctl-config-'));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}
const noFile = { XDG_CONFIG_HOME: join(dir, 'nothing-here') };

describe('config resolution order', () => {
  const cfg = file('full.json', {
    redisUrl: 'redis://file-top:6379/0',
    tz: 'Europe/Berlin',
    profiles: { prod: { redisUrl: 'redis://file-prod:6379/0', databaseUrl: 'mysql://u@file-prod/lf' } },
  });

  it('uses defaults when nothing is set', () => {
    const c = resolveConfig({}, noFile);
    expect(c.redisUrl).toEqual({ value: 'redis://127.0.0.1:6379/0', source: 'default' });
    expect(c.brokerUrl.value).toBe('redis://127.0.0.1:6379/0');
    expect(c.databaseUrl).toEqual({ value: 'postgres://loonflow@127.0.0.1:5432/loonflow', source: 'default' });
    expect(c.tz).toEqual({ value: 'Asia/Shanghai', source: 'default' });
    expect(c.timeoutMs.value).toBe(5000);
  });

  it('file top level beats defaults, the profile beats the top level', () => {
    expect(resolveConfig({ config: cfg }, noFile).redisUrl).toEqual({ value: 'redis://file-top:6379/0', source: `file ${cfg}` });
    const c = resolveConfig({ config: cfg, profile: 'prod' }, noFile);
    expect(c.redisUrl).toEqual({ value: 'redis://file-prod:6379/0', source: `file ${cfg} (profile prod)` });
    expect(c.databaseUrl.value).toBe('mysql://u@file-prod/lf');
    expect(c.tz).toEqual({ value: 'Europe/Berlin', source: `file ${cfg}` });
  });

  it("LoonFlow's variables beat the file", () => {
    const c = resolveConfig({ config: cfg, profile: 'prod' }, { ...noFile, REDIS_HOST: 'lf-redis', REDIS_PORT: '6380', REDIS_DB: '4', REDIS_PASSWORD: 'p@ss' });
    // LoonFlow's own pool ignores REDIS_DB: counters live in db 0; the broker uses REDIS_DB.
    expect(c.redisUrl).toEqual({ value: 'redis://:p%40ss@lf-redis:6380/0', source: 'env REDIS_HOST,REDIS_PORT,REDIS_PASSWORD' });
    expect(c.brokerUrl).toEqual({ value: 'redis://:p%40ss@lf-redis:6380/4', source: 'env REDIS_HOST,REDIS_PORT,REDIS_PASSWORD,REDIS_DB' });
  });

  it('CELERY_BROKER_URL names the broker', () => {
    const c = resolveConfig({}, { ...noFile, REDIS_HOST: 'r', CELERY_BROKER_URL: 'redis://celery:6379/2' });
    expect(c.brokerUrl).toEqual({ value: 'redis://celery:6379/2', source: 'env CELERY_BROKER_URL' });
    expect(c.redisUrl.value).toBe('redis://r:6379/0');
  });

  it('LoonFlow DB_* variables build a MySQL or PostgreSQL URL', () => {
    const my = resolveConfig({}, { ...noFile, DB_HOST: 'db', DB_PORT: '3306', DB_NAME: 'loonflow', DB_USER: 'lf', DB_PASS: 's3cret' });
    expect(my.databaseUrl.value).toBe('mysql://lf:s3cret@db:3306/loonflow');
    const pg = resolveConfig({}, { ...noFile, DB_HOST: 'db', POSTGRES_PORT: '5433', DB_NAME: 'lf' });
    expect(pg.databaseUrl.value).toBe('postgres://loonflow@db:5433/lf');
    expect(pg.databaseUrl.source).toBe('env DB_HOST,POSTGRES_PORT,DB_NAME');
  });

  it('DEPLOY_ZONE sets the zone', () => {
    expect(resolveConfig({}, { ...noFile, DEPLOY_ZONE: 'sh' }).zone).toEqual({ value: 'sh', source: 'env DEPLOY_ZONE' });
  });

  it('LOONCTL_* variables beat LoonFlow variables', () => {
    const env = { ...noFile, REDIS_HOST: 'lf', LOONCTL_REDIS_URL: 'redis://ctl:6379/0', DEPLOY_ZONE: 'a', LOONCTL_ZONE: 'b', LOONCTL_TZ: 'UTC' };
    const c = resolveConfig({ config: cfg }, env);
    expect(c.redisUrl).toEqual({ value: 'redis://ctl:6379/0', source: 'env LOONCTL_REDIS_URL' });
    expect(c.zone).toEqual({ value: 'b', source: 'env LOONCTL_ZONE' });
    expect(c.tz).toEqual({ value: 'UTC', source: 'env LOONCTL_TZ' });
  });

  it('flags beat everything', () => {
    const env = { ...noFile, LOONCTL_REDIS_URL: 'redis://ctl:6379/0', REDIS_HOST: 'lf', LOONCTL_TZ: 'UTC' };
    const c = resolveConfig({ redisUrl: 'redis://flag:6379/1', tz: 'Asia/Tokyo', config: cfg, profile: 'prod' }, env);
    expect(c.redisUrl).toEqual({ value: 'redis://flag:6379/1', source: 'flag' });
    expect(c.tz).toEqual({ value: 'Asia/Tokyo', source: 'flag' });
  });

  it('finds the file through LOONCTL_CONFIG, then XDG_CONFIG_HOME, and the profile through LOONCTL_PROFILE and defaultProfile', () => {
    const viaEnv = resolveConfig({}, { ...noFile, LOONCTL_CONFIG: cfg, LOONCTL_PROFILE: 'prod' });
    expect(viaEnv.redisUrl.value).toBe('redis://file-prod:6379/0');
    expect(viaEnv.profile).toEqual({ value: 'prod', source: 'env LOONCTL_PROFILE' });
    const xdg = mkdtempSync(join(tmpdir(), 'loonctl-xdg-'));
    mkdirSync(join(xdg, 'loonctl'));
    writeFileSync(join(xdg, 'loonctl', 'config.json'), JSON.stringify({ defaultProfile: 'b', profiles: { b: { tz: 'UTC' } } }));
    const c = resolveConfig({}, { XDG_CONFIG_HOME: xdg });
    expect(c.tz.value).toBe('UTC');
    expect(c.profile.value).toBe('b');
    expect(c.configFile).toEqual({ value: join(xdg, 'loonctl', 'config.json'), source: 'default' });
  });
});

describe('config errors', () => {
  it('rejects an unknown profile, naming the known ones', () => {
    const cfg = file('p.json', { profiles: { prod: {}, staging: {} } });
    expect(() => resolveConfig({ config: cfg, profile: 'prdo' }, noFile)).toThrow(/unknown profile 'prdo'/);
    try {
      resolveConfig({ config: cfg, profile: 'prdo' }, noFile);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).hint).toContain('prod, staging');
    }
  });
  it('rejects a profile without a config file', () => {
    expect(() => resolveConfig({ profile: 'prod' }, noFile)).toThrow(/no config file/);
  });
  it('rejects invalid JSON, unknown keys, a missing explicit file and an unreadable one', () => {
    expect(() => resolveConfig({ config: file('bad.json', '{"redisUrl": ') }, noFile)).toThrow(/not valid JSON/);
    expect(() => resolveConfig({ config: file('typo.json', { redisURL: 'x' }) }, noFile)).toThrow(/unknown key 'redisURL'/);
    expect(() => resolveConfig({ config: join(dir, 'missing.json') }, noFile)).toThrow(/cannot read config file .*ENOENT/);
    const locked = file('locked.json', {});
    chmodSync(locked, 0o000);
    if (process.getuid?.() !== 0) expect(() => resolveConfig({ config: locked }, noFile)).toThrow(/EACCES/);
    expect(() => resolveConfig({ config: dir }, noFile)).toThrow(/cannot read config file .*EISDIR/);
  });
  it('rejects an unknown time zone and a bad timeout', () => {
    expect(() => resolveConfig({ tz: 'Mars/Olympus' }, noFile)).toThrow(/unknown time zone/);
    expect(() => resolveConfig({ timeout: 'soon' }, noFile)).toThrow(/not a duration/);
  });
});
