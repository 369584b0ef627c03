// Issue 11: LoonFlow's settings file read as LoonFlow sees it, never executed. Fixtures written from the
// r2.0.20 settings/pro.py.sample and r3.2.1 backend/settings/config.py.sample (relevant lines only).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { resolveConfig } from '../../src/core/config.js';
import { interpretSettings, readLoonflowSettings } from '../../src/core/loonflow-settings.js';
import { settingsTargets } from '../../src/core/loonflow-settings-targets.js';

const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'loonflow-settings', name);
const read = (name: string, env: Record<string, string> = {}) =>
  settingsTargets(readLoonflowSettings(fixture(name), env));
const errorOf = (src: string): UsageError => {
  try {
    interpretSettings('s.py', src, {});
  } catch (e) {
    return e as UsageError;
  }
  throw new Error('no error');
};

describe('LoonFlow settings file', () => {
  it('r2.0.20 pro.py with no environment: MySQL 3306 and the loonflow123 Redis password', () => {
    expect(read('pro-r2.0.20.py')).toEqual({
      engine: 'mysql',
      databaseUrl: 'mysql://loonflow:123456@127.0.0.1:3306/loonflow',
      redisUrl: 'redis://:loonflow123@127.0.0.1:6379/0',
      brokerUrl: 'redis://:loonflow123@127.0.0.1:6379/0',
    });
  });

  it("r2.0.20 pro.py inside the compose container: os.getenv resolved; REDIS_PASS='' takes the else branch", () => {
    const env = { REDIS_HOST: 'loonflow-redis', REDIS_PASS: '', DB_HOST: 'loonflow-mysql', DB_PASS: 's3cret' };
    expect(read('pro-r2.0.20.py', env)).toMatchObject({
      databaseUrl: 'mysql://loonflow:s3cret@loonflow-mysql:3306/loonflow',
      redisUrl: 'redis://loonflow-redis:6379/0',
      brokerUrl: 'redis://loonflow-redis:6379/0',
    });
  });

  it('r3.2.1 config.py: PostgreSQL, REDIS_DB for the broker, POSTGRES_PORT', () => {
    const env = { REDIS_PASSWORD: 'pw', REDIS_DB: '3', POSTGRES_PORT: '15432', DB_HOST: 'pg' };
    expect(read('config-r3.2.1.py', env)).toEqual({
      engine: 'postgresql',
      databaseUrl: 'postgres://loonflow:123456@pg:15432/loonflow',
      redisUrl: 'redis://:pw@127.0.0.1:6379/0',
      brokerUrl: 'redis://:pw@127.0.0.1:6379/3',
    });
  });

  it('DEPLOY_ZONE, TIME_ZONE, USE_TZ, int() and os.environ.get', () => {
    const src =
      "DEPLOY_ZONE = os.environ.get('ZONE', 'bj')\nTIME_ZONE = 'Asia/Tokyo'\nUSE_TZ = True\nREDIS_HOST = 'r'\nREDIS_PORT = int('6380')\n";
    const t = settingsTargets(interpretSettings('s.py', src, {}));
    expect(t).toMatchObject({ zone: 'bj', tz: 'Asia/Tokyo', useTz: true, redisUrl: 'redis://r:6380/0' });
  });

  it('follows `from settings.common import *` to the sibling common.py (TIME_ZONE, USE_TZ as LoonFlow sees them)', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'loonctl-lf-')), 'settings');
    mkdirSync(dir);
    const common =
      "import os\nimport platform\nTIME_ZONE = 'Asia/Shanghai'\nUSE_TZ = False\n" +
      "if platform.system() == 'Windows':\n    HOMEPATH = os.environ['HOMEPATH']\nelse:\n    HOMEPATH = os.environ['HOME']\n";
    writeFileSync(join(dir, 'common.py'), common);
    writeFileSync(join(dir, 'pro.py'), readFileSync(fixture('pro-r2.0.20.py')));
    expect(settingsTargets(readLoonflowSettings(join(dir, 'pro.py'), {}))).toMatchObject({
      tz: 'Asia/Shanghai',
      useTz: false,
      engine: 'mysql',
    });
  });

  it('a read setting in a form it cannot understand is a usage error naming the line', () => {
    const e = errorOf("import os\n\nREDIS_HOST = socket.gethostbyname('redis')\n");
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/s\.py, line 3: cannot read `REDIS_HOST = socket/);
    expect(errorOf("REDIS_HOST = 'a'\nREDIS_HOST += 'b'\n").message).toMatch(/line 2/);
    expect(errorOf("try:\n    REDIS_HOST = 'x'\nexcept Exception:\n    pass\n").message).toMatch(/line 2.*try:/);
    expect(errorOf('if FLAG:\n    CELERY_BROKER_URL = "redis://a"\n').message).toMatch(/line 1.*FLAG is not assigned/);
  });

  it('the settings file stands where LoonFlow variables stand: after flags, before the config file defaults', () => {
    const env = { LOONCTL_LOONFLOW_SETTINGS: fixture('pro-r2.0.20.py'), REDIS_HOST: 'rh', HOME: '/nonexistent' };
    const c = resolveConfig({}, env);
    expect(c.redisUrl).toEqual({
      value: 'redis://:loonflow123@rh:6379/0',
      source: `settings ${fixture('pro-r2.0.20.py')}`,
    });
    expect(c.databaseUrl.source).toBe(`settings ${fixture('pro-r2.0.20.py')}`);
    expect(c.databaseCandidates).toEqual(['mysql://loonflow:123456@127.0.0.1:3306/loonflow']);
    const flags = { redisUrl: 'redis://x:1/0', loonflowSettings: fixture('pro-r2.0.20.py') };
    const flagged = resolveConfig(flags, { HOME: '/nonexistent' });
    expect(flagged.redisUrl.source).toBe('flag');
    expect(flagged.brokerUrl.source).toBe(`settings ${fixture('pro-r2.0.20.py')}`);
  });
});
