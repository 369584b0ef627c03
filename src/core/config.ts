import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors.js';
import { checkTimeZone, parseDuration } from './parse.js';

/** One effective setting and where it came from (flag, env var name, file, default). */
export interface Setting<T> {
  value: T;
  source: string;
}

export interface ResolvedConfig {
  redisUrl: Setting<string>;
  brokerUrl: Setting<string>;
  databaseUrl: Setting<string>;
  tz: Setting<string>;
  zone: Setting<string | undefined>;
  sentinelMaster: Setting<string | undefined>;
  /** The sentinels' own password (Celery's sentinel_kwargs); print it masked. */
  sentinelPassword: Setting<string | undefined>;
  /** TLS files for rediss:// URLs; they win over the URL's ssl_ca_certs/ssl_certfile/ssl_keyfile. */
  tlsCa: Setting<string | undefined>;
  tlsCert: Setting<string | undefined>;
  tlsKey: Setting<string | undefined>;
  keyPrefix: Setting<string>;
  timeoutMs: Setting<number>;
  profile: Setting<string | undefined>;
  configFile: Setting<string | undefined>;
}

/** Settings a flag, a LOONCTL_* variable or the config file can give. */
export interface ConfigFlags {
  redisUrl?: string;
  brokerUrl?: string;
  databaseUrl?: string;
  tz?: string;
  zone?: string;
  sentinelMaster?: string;
  sentinelPassword?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  keyPrefix?: string;
  timeout?: string;
  profile?: string;
  config?: string;
}

type FileKey = Exclude<keyof ConfigFlags, 'profile' | 'config'>;
const FILE_KEYS: readonly FileKey[] = [
  'redisUrl',
  'brokerUrl',
  'databaseUrl',
  'tz',
  'zone',
  'sentinelMaster',
  'sentinelPassword',
  'tlsCa',
  'tlsCert',
  'tlsKey',
  'keyPrefix',
  'timeout',
];

/** Flag name -> LOONCTL_* variable; also the table the README documents. */
export const LOONCTL_ENV: Record<keyof ConfigFlags, string> = {
  redisUrl: 'LOONCTL_REDIS_URL',
  brokerUrl: 'LOONCTL_BROKER_URL',
  databaseUrl: 'LOONCTL_DATABASE_URL',
  tz: 'LOONCTL_TZ',
  zone: 'LOONCTL_ZONE',
  sentinelMaster: 'LOONCTL_SENTINEL_MASTER',
  sentinelPassword: 'LOONCTL_SENTINEL_PASSWORD',
  tlsCa: 'LOONCTL_TLS_CA',
  tlsCert: 'LOONCTL_TLS_CERT',
  tlsKey: 'LOONCTL_TLS_KEY',
  keyPrefix: 'LOONCTL_KEY_PREFIX',
  timeout: 'LOONCTL_TIMEOUT',
  profile: 'LOONCTL_PROFILE',
  config: 'LOONCTL_CONFIG',
};

export const DEFAULTS = {
  redisUrl: 'redis://127.0.0.1:6379/0',
  databaseUrl: 'postgres://loonflow@127.0.0.1:5432/loonflow',
  tz: 'Asia/Shanghai',
  timeout: '5s',
} as const;

interface ConfigFile {
  path: string;
  values: Partial<Record<FileKey, string>>;
  profiles: Record<string, Partial<Record<FileKey, string>>>;
  defaultProfile?: string;
}

type Env = Record<string, string | undefined>;

function present(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

function defaultConfigPath(env: Env): string {
  const base = present(env, 'XDG_CONFIG_HOME') ?? join(env.HOME || homedir(), '.config');
  return join(base, 'loonctl', 'config.json');
}

function checkSection(obj: unknown, where: string, path: string): Partial<Record<FileKey, string>> {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new UsageError(`config file ${path}: ${where} must be an object`);
  }
  const out: Partial<Record<FileKey, string>> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!(FILE_KEYS as readonly string[]).includes(k)) {
      throw new UsageError(`config file ${path}: unknown key '${k}' in ${where}`, `known keys: ${FILE_KEYS.join(', ')}`);
    }
    if (typeof v !== 'string' && typeof v !== 'number') {
      throw new UsageError(`config file ${path}: '${k}' in ${where} must be a string`);
    }
    out[k as FileKey] = String(v);
  }
  return out;
}

function loadConfigFile(path: string, required: boolean): ConfigFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!required && code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read config file ${path}: ${code ?? (e as Error).message}`, 'check --config / LOONCTL_CONFIG');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UsageError(`config file ${path} must hold a JSON object`);
  }
  const { profiles = {}, defaultProfile, ...top } = raw as Record<string, unknown>;
  if (defaultProfile !== undefined && typeof defaultProfile !== 'string') {
    throw new UsageError(`config file ${path}: defaultProfile must be a string`);
  }
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) {
    throw new UsageError(`config file ${path}: profiles must be an object of named profiles`);
  }
  const checkedProfiles: ConfigFile['profiles'] = {};
  for (const [name, section] of Object.entries(profiles)) checkedProfiles[name] = checkSection(section, `profile '${name}'`, path);
  return { path, values: checkSection(top, 'the top level', path), profiles: checkedProfiles, defaultProfile };
}

/** LoonFlow's own variables, as its settings read them. Its Redis pool ignores REDIS_DB (db 0). */
function loonflowRedis(env: Env, db: string): Setting<string> | undefined {
  const names = ['REDIS_HOST', 'REDIS_PORT', 'REDIS_PASSWORD'].filter((n) => present(env, n));
  if (names.length === 0) return undefined;
  const pw = present(env, 'REDIS_PASSWORD');
  const auth = pw ? `:${encodeURIComponent(pw)}@` : '';
  const host = present(env, 'REDIS_HOST') ?? '127.0.0.1';
  const port = present(env, 'REDIS_PORT') ?? '6379';
  return { value: `redis://${auth}${host}:${port}/${db}`, source: `env ${names.join(',')}` };
}

function loonflowDatabase(env: Env): Setting<string> | undefined {
  const names = ['DB_HOST', 'DB_PORT', 'POSTGRES_PORT', 'DB_NAME', 'DB_USER', 'DB_PASS'].filter((n) => present(env, n));
  if (names.length === 0) return undefined;
  const pgPort = present(env, 'POSTGRES_PORT');
  const dbPort = present(env, 'DB_PORT');
  // LoonFlow 1.x/2.x default to MySQL on 3306; its PostgreSQL deployments set POSTGRES_PORT.
  const mysql = !pgPort && dbPort === '3306';
  const scheme = mysql ? 'mysql' : 'postgres';
  const port = pgPort ?? dbPort ?? '5432';
  const user = encodeURIComponent(present(env, 'DB_USER') ?? 'loonflow');
  const pass = present(env, 'DB_PASS');
  const auth = pass ? `${user}:${encodeURIComponent(pass)}` : user;
  const host = present(env, 'DB_HOST') ?? '127.0.0.1';
  const name = encodeURIComponent(present(env, 'DB_NAME') ?? 'loonflow');
  return { value: `${scheme}://${auth}@${host}:${port}/${name}`, source: `env ${names.join(',')}` };
}

/**
 * Resolves every setting in the documented order: flags, LOONCTL_* variables, LoonFlow's own
 * variables, the config file (its profile first, then its top level), defaults.
 */
export function resolveConfig(flags: ConfigFlags, env: Env = process.env): ResolvedConfig {
  const fromFlagOrEnv = (key: keyof ConfigFlags): Setting<string> | undefined => {
    const f = flags[key];
    if (f !== undefined && f !== '') return { value: f, source: 'flag' };
    const name = LOONCTL_ENV[key];
    const e = present(env, name);
    return e !== undefined ? { value: e, source: `env ${name}` } : undefined;
  };

  const configFile: Setting<string | undefined> = fromFlagOrEnv('config') ?? {
    value: defaultConfigPath(env),
    source: 'default',
  };
  const file = configFile.value ? loadConfigFile(configFile.value, configFile.source !== 'default') : undefined;
  if (!file && configFile.source === 'default') configFile.value = undefined;

  const profile: Setting<string | undefined> = fromFlagOrEnv('profile') ??
    (file?.defaultProfile ? { value: file.defaultProfile, source: `file ${file.path} (defaultProfile)` } : { value: undefined, source: 'none' });
  let section: Partial<Record<FileKey, string>> = {};
  if (profile.value !== undefined) {
    if (!file) throw new UsageError(`unknown profile '${profile.value}': no config file`, `create ${defaultConfigPath(env)} or pass --config`);
    const s = file.profiles[profile.value];
    if (!s) {
      const known = Object.entries(file.profiles).map(([name]) => name);
      throw new UsageError(`unknown profile '${profile.value}'`, known.length ? `profiles in ${file.path}: ${known.join(', ')}` : `${file.path} defines no profiles`);
    }
    section = s;
  }
  const fromFile = (key: FileKey): Setting<string> | undefined => {
    if (!file) return undefined;
    if (section[key] !== undefined) return { value: section[key]!, source: `file ${file.path} (profile ${profile.value})` };
    if (file.values[key] !== undefined) return { value: file.values[key]!, source: `file ${file.path}` };
    return undefined;
  };
  const pick = (key: FileKey, loonflow?: Setting<string>): Setting<string> | undefined =>
    fromFlagOrEnv(key) ?? loonflow ?? fromFile(key);

  const redisUrl = pick('redisUrl', loonflowRedis(env, '0')) ?? { value: DEFAULTS.redisUrl, source: 'default' };

  const celeryBroker = present(env, 'CELERY_BROKER_URL');
  const loonflowBroker: Setting<string> | undefined = celeryBroker
    ? { value: celeryBroker, source: 'env CELERY_BROKER_URL' }
    : (() => {
        const s = loonflowRedis(env, present(env, 'REDIS_DB') ?? '0');
        if (s && present(env, 'REDIS_DB')) s.source += ',REDIS_DB';
        return s;
      })();
  const brokerUrl = pick('brokerUrl', loonflowBroker) ?? { value: redisUrl.value, source: 'same as redis' };

  const databaseUrl = pick('databaseUrl', loonflowDatabase(env)) ?? { value: DEFAULTS.databaseUrl, source: 'default' };
  const tz = pick('tz') ?? { value: DEFAULTS.tz, source: 'default' };
  // Intl loads ICU data (~20 ms): check only a zone the operator gave, not the built-in default.
  if (tz.source !== 'default') checkTimeZone(tz.value);
  const deployZone = present(env, 'DEPLOY_ZONE');
  const zone: Setting<string | undefined> = pick('zone', deployZone ? { value: deployZone, source: 'env DEPLOY_ZONE' } : undefined) ?? {
    value: undefined,
    source: 'none',
  };
  const optional = (key: FileKey): Setting<string | undefined> => pick(key) ?? { value: undefined, source: 'none' };
  const sentinelMaster = optional('sentinelMaster');
  const keyPrefix = pick('keyPrefix') ?? { value: '', source: 'default' };
  const timeout = pick('timeout') ?? { value: DEFAULTS.timeout, source: 'default' };
  const timeoutMs = { value: parseDuration(timeout.value, '--timeout'), source: timeout.source };
  if (timeoutMs.value <= 0) throw new UsageError('--timeout must be greater than 0');

  return {
    redisUrl,
    brokerUrl,
    databaseUrl,
    tz,
    zone,
    sentinelMaster,
    sentinelPassword: optional('sentinelPassword'),
    tlsCa: optional('tlsCa'),
    tlsCert: optional('tlsCert'),
    tlsKey: optional('tlsKey'),
    keyPrefix,
    timeoutMs,
    profile,
    configFile,
  };
}
