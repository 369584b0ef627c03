import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors.js';
import { type EnvLines, loonflowRedisUrl, readLoonflowEnv } from './loonflow-env.js';
import { rememberUrlSecrets } from './mask.js';
import { readLoonflowSettings } from './loonflow-settings.js';
import { settingsTargets } from './loonflow-settings-targets.js';
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
  /** Where the database may be: more than one when LoonFlow's variables fit two release lines. */
  databaseCandidates: string[];
  /** The LoonFlow line the operator named (it always wins over detection). */
  loonflowVersion: Setting<string | undefined>;
  /** What LoonFlow's environment variables suggest, when any is set. */
  loonflowEnvLines?: EnvLines;
  /** LoonFlow's settings file, when one was given; its DATABASES ENGINE when it names one. */
  loonflowSettings: Setting<string | undefined>;
  loonflowEngine?: 'mysql' | 'postgresql';
  /** A deployment option from the config file (the selected profile first, then the top level). */
  fileValue(key: string): Setting<string> | undefined;
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
  loonflowVersion?: string;
  /** LoonFlow's own settings file (settings/pro.py, backend/settings/config.py), read, never run. */
  loonflowSettings?: string;
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
  'loonflowVersion',
  'loonflowSettings',
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
  loonflowVersion: 'LOONCTL_LOONFLOW_VERSION',
  loonflowSettings: 'LOONCTL_LOONFLOW_SETTINGS',
};

export const DEFAULTS = {
  redisUrl: 'redis://127.0.0.1:6379/0',
  // LoonFlow 2.x, the last line with serials: MySQL on 3306.
  databaseUrl: 'mysql://loonflow@127.0.0.1:3306/loonflow',
  tz: 'Asia/Shanghai',
  timeout: '5s',
} as const;

type Section = Record<string, string>;

interface ConfigFile {
  path: string;
  values: Section;
  profiles: Record<string, Section>;
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

function fileScalar(v: unknown): string | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.join(',');
  return undefined;
}

function checkSection(obj: unknown, where: string, path: string, known: ReadonlySet<string>): Section {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new UsageError(`config file ${path}: ${where} must be an object`);
  }
  const out: Section = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!known.has(k)) {
      throw new UsageError(
        `config file ${path}: unknown key '${k}' in ${where}`,
        `known keys: ${[...known].join(', ')}`,
      );
    }
    const value = fileScalar(v);
    if (value === undefined) throw new UsageError(`config file ${path}: '${k}' in ${where} must be a string or number`);
    out[k] = value;
  }
  return out;
}

function loadConfigFile(path: string, required: boolean, known: ReadonlySet<string>): ConfigFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!required && code === 'ENOENT') return undefined;
    throw new UsageError(
      `cannot read config file ${path}: ${code ?? (e as Error).message}`,
      'check --config / LOONCTL_CONFIG',
    );
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
  for (const [name, section] of Object.entries(profiles)) {
    checkedProfiles[name] = checkSection(section, `profile '${name}'`, path, known);
  }
  return { path, values: checkSection(top, 'the top level', path, known), profiles: checkedProfiles, defaultProfile };
}

/**
 * Resolves every setting in the documented order: flags, LOONCTL_* variables, a profile chosen
 * explicitly (--profile, LOONCTL_PROFILE), LoonFlow's own variables as its release line reads them,
 * the config file (its defaultProfile, then its top level), defaults (LoonFlow 2.x's).
 */
export function resolveConfig(
  flags: ConfigFlags,
  env: Env = process.env,
  optionKeys: readonly string[] = [],
): ResolvedConfig {
  const known = new Set<string>([...FILE_KEYS, ...optionKeys]);
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
  const file = configFile.value ? loadConfigFile(configFile.value, configFile.source !== 'default', known) : undefined;
  if (!file && configFile.source === 'default') configFile.value = undefined;

  const explicitProfile = fromFlagOrEnv('profile');
  const profile: Setting<string | undefined> =
    explicitProfile ??
    (file?.defaultProfile
      ? { value: file.defaultProfile, source: `file ${file.path} (defaultProfile)` }
      : { value: undefined, source: 'none' });
  const section = profile.value === undefined ? {} : profileSection(file, profile.value, env);
  const fromProfile = (key: string): Setting<string> | undefined =>
    file && section[key] !== undefined
      ? { value: section[key], source: `file ${file.path} (profile ${profile.value})` }
      : undefined;
  const fromFile = (key: string): Setting<string> | undefined => {
    if (!file) return undefined;
    return (
      fromProfile(key) ??
      (file.values[key] !== undefined ? { value: file.values[key], source: `file ${file.path}` } : undefined)
    );
  };
  // An explicit profile is a choice; LoonFlow's variables are only ambient: the choice wins.
  const pick = (key: FileKey, loonflow?: Setting<string>): Setting<string> | undefined =>
    fromFlagOrEnv(key) ?? (explicitProfile ? fromProfile(key) : undefined) ?? loonflow ?? fromFile(key);

  const lf = readLoonflowEnv(env);
  const lfRedis = lf?.redis;
  // LoonFlow's settings file, when given, is how LoonFlow reads its variables: it stands in their place.
  const settingsPath = pick('loonflowSettings');
  const lfs = settingsPath ? loonflowSettingsValues(settingsPath.value, env) : undefined;
  const redisEnv =
    lfs?.redisUrl ?? (lfRedis && { value: loonflowRedisUrl(lfRedis, '0'), source: `env ${lfRedis.names.join(',')}` });
  const brokerEnv =
    lfs?.brokerUrl ??
    (lfRedis && { value: loonflowRedisUrl(lfRedis, lfRedis.brokerDb), source: `env ${lfRedis.brokerNames.join(',')}` });
  const redisUrl = pick('redisUrl', redisEnv) ?? { value: DEFAULTS.redisUrl, source: 'default' };
  const brokerUrl = pick('brokerUrl', brokerEnv) ?? { value: redisUrl.value, source: 'same as redis' };

  const lfDb = lf?.database;
  const dbEnv =
    lfs?.databaseUrl ??
    (lfDb && {
      value: lfDb.candidates[0],
      source: `env ${lfDb.names.join(',')}${lfDb.candidates.length > 1 ? ' (MySQL or PostgreSQL: probed)' : ''}`,
    });
  const databaseUrl = pick('databaseUrl', dbEnv) ?? { value: DEFAULTS.databaseUrl, source: 'default (LoonFlow 2.x)' };
  const databaseCandidates = databaseUrl === dbEnv && lfDb && !lfs?.databaseUrl ? lfDb.candidates : [databaseUrl.value];

  const tz = pick('tz', lfs?.tz) ?? { value: DEFAULTS.tz, source: 'default' };
  // Intl loads ICU data (~20 ms): check only a zone the operator gave, not the built-in default.
  if (tz.source !== 'default') checkTimeZone(tz.value);
  const zone: Setting<string | undefined> = pick('zone', lfs?.zone) ?? { value: undefined, source: 'none' };
  const optional = (key: FileKey): Setting<string | undefined> => pick(key) ?? { value: undefined, source: 'none' };
  const sentinelMaster = optional('sentinelMaster');
  const keyPrefix = pick('keyPrefix') ?? { value: '', source: 'default' };
  const timeout = pick('timeout') ?? { value: DEFAULTS.timeout, source: 'default' };
  const timeoutMs = { value: parseDuration(timeout.value, '--timeout'), source: timeout.source };
  if (timeoutMs.value <= 0) throw new UsageError('--timeout must be greater than 0');
  const loonflowVersion: Setting<string | undefined> = pick('loonflowVersion') ?? {
    value: undefined,
    source: lf ? `env suggests LoonFlow ${lf.lines}` : 'none',
  };
  if (loonflowVersion.value !== undefined) checkLoonflowVersion(loonflowVersion.value);

  rememberUrlSecrets(redisUrl.value, brokerUrl.value, databaseUrl.value, ...databaseCandidates);
  return {
    redisUrl,
    brokerUrl,
    databaseUrl,
    databaseCandidates,
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
    loonflowVersion,
    loonflowEnvLines: lf?.lines,
    loonflowSettings: settingsPath ?? { value: undefined, source: 'none' },
    loonflowEngine: lfs?.engine,
    fileValue: fromFile,
  };
}

type SettingsValues = { [K in 'redisUrl' | 'brokerUrl' | 'databaseUrl' | 'tz' | 'zone']?: Setting<string> } & {
  engine?: 'mysql' | 'postgresql';
};

/** LoonFlow's settings file as settings with source `settings PATH`. */
function loonflowSettingsValues(path: string, env: Env): SettingsValues {
  const targets = settingsTargets(readLoonflowSettings(path, env));
  const source = `settings ${path}`;
  const out: SettingsValues = { engine: targets.engine };
  for (const k of ['redisUrl', 'brokerUrl', 'databaseUrl', 'tz', 'zone'] as const) {
    const v = targets[k];
    if (v !== undefined) out[k] = { value: v, source };
  }
  return out;
}

function profileSection(file: ConfigFile | undefined, name: string, env: Env): Section {
  if (!file)
    throw new UsageError(
      `unknown profile '${name}': no config file`,
      `create ${defaultConfigPath(env)} or pass --config`,
    );
  const s = file.profiles[name];
  if (s) return s;
  const known = Object.entries(file.profiles).map(([name]) => name);
  throw new UsageError(
    `unknown profile '${name}'`,
    known.length ? `profiles in ${file.path}: ${known.join(', ')}` : `${file.path} defines no profiles`,
  );
}

/** `loonflowVersion` as an operator writes it: 1, 2, 3, 2.0.20, 3.x, r2.0.20. */
export function checkLoonflowVersion(v: string): '0.x' | '1.x' | '2.x' | '3.x' {
  const m = /^r?v?([0-3])(\.[0-9x]+)*$/i.exec(v.trim());
  if (!m) throw new UsageError(`--loonflow-version: '${v}' is not a LoonFlow version`, 'use e.g. 2, 2.0.20, 3 or 3.1');
  return `${m[1]}.x` as '0.x' | '1.x' | '2.x' | '3.x';
}
