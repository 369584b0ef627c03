import { LOONCTL_ENV } from '../core/config.js';
import { FORMATS } from '../core/output.js';
import type { OptionSpec } from './spec.js';

/**
 * Options every command takes. Connection settings are resolved by src/core/config.ts (flags,
 * LOONCTL_* variables, LoonFlow's own variables, the config file, defaults); declared here for the
 * parser, help, completion and README.
 */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'redis-url', type: 'string', placeholder: 'url', env: LOONCTL_ENV.redisUrl, config: 'redisUrl',
    description: 'Redis for serial counters and locks' },
  { name: 'broker-url', type: 'string', placeholder: 'url', env: LOONCTL_ENV.brokerUrl, config: 'brokerUrl',
    description: "Celery's broker Redis" },
  { name: 'database-url', type: 'string', placeholder: 'url', env: LOONCTL_ENV.databaseUrl, config: 'databaseUrl',
    description: 'postgres:// or mysql:// URL of the LoonFlow database' },
  { name: 'sentinel-master', type: 'string', placeholder: 'name', env: LOONCTL_ENV.sentinelMaster,
    config: 'sentinelMaster', description: 'master name for sentinel:// URLs' },
  { name: 'sentinel-password', type: 'string', placeholder: 'pw', env: LOONCTL_ENV.sentinelPassword,
    config: 'sentinelPassword', description: "the sentinels' password (the URL's is the master's); prefer the env var" },
  { name: 'tls-ca', type: 'string', placeholder: 'file', env: LOONCTL_ENV.tlsCa, config: 'tlsCa', complete: 'file',
    description: 'CA file to verify a rediss:// server (over the URL\'s ssl_ca_certs)' },
  { name: 'tls-cert', type: 'string', placeholder: 'file', env: LOONCTL_ENV.tlsCert, config: 'tlsCert', complete: 'file',
    description: 'client certificate for rediss://' },
  { name: 'tls-key', type: 'string', placeholder: 'file', env: LOONCTL_ENV.tlsKey, config: 'tlsKey', complete: 'file',
    description: 'client key for rediss://' },
  { name: 'config', type: 'string', placeholder: 'file', env: LOONCTL_ENV.config, complete: 'file',
    description: 'JSON config file with profiles' },
  { name: 'profile', type: 'string', placeholder: 'name', env: LOONCTL_ENV.profile, complete: 'profiles',
    description: 'profile from the config file' },
  { name: 'tz', type: 'string', placeholder: 'zone', env: LOONCTL_ENV.tz, config: 'tz',
    description: "LoonFlow's time zone (default Asia/Shanghai)" },
  { name: 'loonflow-version', type: 'string', placeholder: 'version', env: LOONCTL_ENV.loonflowVersion,
    config: 'loonflowVersion', description: 'the LoonFlow release line (1, 2, 3 or e.g. 2.0.20); detected when absent' },
  { name: 'timeout', type: 'string', placeholder: 'duration', env: LOONCTL_ENV.timeout, config: 'timeout',
    description: 'connect timeout (default 5s)' },
  { name: 'output', short: 'o', type: 'string', placeholder: 'format', choices: FORMATS, description: 'output format' },
  { name: 'json', type: 'boolean', description: 'same as -o json' },
  { name: 'color', type: 'boolean', negatable: true, default: true, description: 'no colour (also NO_COLOR)' },
  { name: 'quiet', short: 'q', type: 'boolean', description: 'print only data and errors' },
  { name: 'verbose', short: 'v', type: 'boolean', description: 'more detail; stack traces on internal errors' },
];
