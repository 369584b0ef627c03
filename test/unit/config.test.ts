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
    // LoonFlow 2.x's defaults: MySQL on 3306 (every line with serials is MySQL).
    expect(c.databaseUrl).toEqual({
      value: 'mysql://loonflow@127.0.0.1:3306/loonflow',
      source: 'default (LoonFlow 2.x)',
    });
    expect(c.tz).toEqual({ value: 'Asia/Shanghai', source: 'default' });
    expect(c.timeoutMs.value).toBe(5000);
  });

  it('file top level beats defaults, the profile beats the top level', () => {
    expect(resolveConfig({ config: cfg }, noFile).redisUrl).toEqual({
      value: 'redis://file-top:6379/0',
      source: `file ${cfg}`,
    });
    const c = resolveConfig({ config: cfg, profile: 'prod' }, noFile);
    expect(c.redisUrl).toEqual({ value: 'redis://file-prod:6379/0', source: `file ${cfg} (profile prod)` });
    expect(c.databaseUrl.value).toBe('mysql://u@file-prod/lf');
    expect(c.tz).toEqual({ value: 'Europe/Berlin', source: `file ${cfg}` });
  });

  it("LoonFlow's variables beat the file, and an explicit profile beats LoonFlow's variables", () => {
    const lf = { REDIS_HOST: 'lf-redis', REDIS_PORT: '6380', REDIS_DB: '4', REDIS_PASSWORD: 'p@ss' };
    const c = resolveConfig({ config: cfg }, { ...noFile, ...lf });
    // LoonFlow's own pool ignores REDIS_DB: counters live in db 0; the broker uses REDIS_DB.
    expect(c.redisUrl).toEqual({
      value: 'redis://:p%40ss@lf-redis:6380/0',
      source: 'env REDIS_HOST,REDIS_PORT,REDIS_PASSWORD',
    });
    expect(c.brokerUrl).toEqual({
      value: 'redis://:p%40ss@lf-redis:6380/4',
      source: 'env REDIS_HOST,REDIS_PORT,REDIS_PASSWORD,REDIS_DB',
    });
    const chosen = resolveConfig({ config: cfg, profile: 'prod' }, { ...noFile, ...lf });
    expect(chosen.redisUrl).toEqual({ value: 'redis://file-prod:6379/0', source: `file ${cfg} (profile prod)` });
    const viaEnv = resolveConfig({ config: cfg }, { ...noFile, ...lf, LOONCTL_PROFILE: 'prod' });
    expect(viaEnv.redisUrl.value).toBe('redis://file-prod:6379/0');
  });

  it('the LoonFlow 2.0.20 compose environment: REDIS_PASS, MySQL or PostgreSQL to be probed', () => {
    const env = {
      ...noFile,
      DB_HOST: 'loonflow-mysql',
      DB_USER: 'loonflow',
      DB_PASS: '2Nir9D6&muYq',
      REDIS_HOST: 'loonflow-redis',
      REDIS_PASS: 'loonflow123',
    };
    const c = resolveConfig({}, env);
    expect(c.redisUrl.value).toBe('redis://:loonflow123@loonflow-redis:6379/0');
    expect(c.brokerUrl.value).toBe('redis://:loonflow123@loonflow-redis:6379/0');
    expect(c.databaseCandidates).toEqual([
      'mysql://loonflow:2Nir9D6%26muYq@loonflow-mysql:3306/loonflow',
      'postgres://loonflow:2Nir9D6%26muYq@loonflow-mysql:5432/loonflow',
    ]);
    expect(c.loonflowEnvLines).toBe('2.0.16+ or 3.0.x');
    // 2.x reads REDIS_PASS with 'loonflow123' as its default.
    expect(resolveConfig({}, { ...noFile, REDIS_HOST: 'r' }).redisUrl.value).toBe('redis://:loonflow123@r:6379/0');
    expect(resolveConfig({}, { ...noFile, REDIS_HOST: 'r', REDIS_PASS: '' }).redisUrl.value).toBe('redis://r:6379/0');
  });

  it('the LoonFlow 3.1 compose environment: PostgreSQL on POSTGRES_PORT, REDIS_PASSWORD', () => {
    const env = {
      ...noFile,
      DB_NAME: 'loonflow',
      DB_HOST: 'loonflow-pg',
      DB_USER: 'loonflow',
      DB_PASS: 'pw',
      POSTGRES_PORT: '5432',
      REDIS_HOST: 'loonflow-redis',
      REDIS_PASSWORD: 'loonflow123',
    };
    const c = resolveConfig({}, env);
    expect(c.databaseCandidates).toEqual(['postgres://loonflow:pw@loonflow-pg:5432/loonflow']);
    expect(c.databaseUrl.value).toBe('postgres://loonflow:pw@loonflow-pg:5432/loonflow');
    expect(c.redisUrl.value).toBe('redis://:loonflow123@loonflow-redis:6379/0');
    expect(c.loonflowEnvLines).toBe('3.1+');
  });

  it('DB_PORT, CELERY_BROKER_URL and DEPLOY_ZONE are never LoonFlow variables: ignored', () => {
    const c = resolveConfig(
      {},
      { ...noFile, DB_PORT: '5433', CELERY_BROKER_URL: 'redis://celery:6379/2', DEPLOY_ZONE: 'sh' },
    );
    expect(c.brokerUrl.value).toBe('redis://127.0.0.1:6379/0');
    expect(c.databaseUrl.source).toBe('default (LoonFlow 2.x)');
    expect(c.zone.value).toBeUndefined();
  });

  it('loonflowVersion from flag, env or file; nonsense is a usage error', () => {
    expect(resolveConfig({ loonflowVersion: '2.0.20' }, noFile).loonflowVersion).toEqual({
      value: '2.0.20',
      source: 'flag',
    });
    expect(resolveConfig({}, { ...noFile, LOONCTL_LOONFLOW_VERSION: '3' }).loonflowVersion.value).toBe('3');
    expect(() => resolveConfig({ loonflowVersion: 'seven' }, noFile)).toThrow(UsageError);
  });

  it('LOONCTL_* variables beat LoonFlow variables', () => {
    const env = {
      ...noFile,
      REDIS_HOST: 'lf',
      LOONCTL_REDIS_URL: 'redis://ctl:6379/0',
      DEPLOY_ZONE: 'a',
      LOONCTL_ZONE: 'b',
      LOONCTL_TZ: 'UTC',
    };
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
    writeFileSync(
      join(xdg, 'loonctl', 'config.json'),
      JSON.stringify({ defaultProfile: 'b', profiles: { b: { tz: 'UTC' } } }),
    );
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
    expect(() => resolveConfig({ config: file('typo.json', { redisURL: 'x' }) }, noFile)).toThrow(
      /unknown key 'redisURL'/,
    );
    expect(() => resolveConfig({ config: join(dir, 'missing.json') }, noFile)).toThrow(
      /cannot read config file .*ENOENT/,
    );
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
