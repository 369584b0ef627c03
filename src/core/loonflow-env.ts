/**
 * LoonFlow's own environment variables, read the way each release line's settings read them
 * (../shared/LOONFLOW.md section 2). Pure: no I/O; the ambiguity between lines is settled later by probing.
 */

type Env = Record<string, string | undefined>;

/** The release lines whose settings would read these variables this way. */
export type EnvLines = '3.1+' | '2.0.16+ or 3.0.x';

export interface LoonflowRedisEnv {
  host: string;
  port: string;
  password: string;
  /** Celery's broker db; LoonFlow's own counter pool ignores it (db 0). */
  brokerDb: string;
  /** The variables that were set, REDIS_DB apart (it concerns the broker only). */
  names: string[];
  brokerNames: string[];
}

export interface LoonflowDatabaseEnv {
  /** Where the database may be: one candidate when the line is known, MySQL then PostgreSQL when not. */
  candidates: string[];
  names: string[];
}

export interface LoonflowEnv {
  lines: EnvLines;
  redis?: LoonflowRedisEnv;
  database?: LoonflowDatabaseEnv;
}

const MARKERS_3_1 = ['REDIS_PASSWORD', 'REDIS_PORT', 'REDIS_DB', 'POSTGRES_PORT'];
const REDIS_2 = ['REDIS_HOST', 'REDIS_PASS'];
const DATABASE = ['DB_HOST', 'DB_NAME', 'DB_USER', 'DB_PASS', 'POSTGRES_PORT'];

const present = (env: Env, name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
/** Python's os.getenv(name, default) gives '' for a variable set to nothing: so do passwords here. */
const getenv = (env: Env, name: string) => env[name];

function databaseUrl(env: Env, scheme: 'mysql' | 'postgres', port: string): string {
  // LoonFlow's settings samples default to user loonflow, password 123456, database loonflow.
  const user = encodeURIComponent(present(env, 'DB_USER') ?? 'loonflow');
  const pass = encodeURIComponent(getenv(env, 'DB_PASS') ?? '123456');
  const host = present(env, 'DB_HOST') ?? '127.0.0.1';
  const name = encodeURIComponent(present(env, 'DB_NAME') ?? 'loonflow');
  return `${scheme}://${user}${pass ? `:${pass}` : ''}@${host}:${port}/${name}`;
}

/**
 * What LoonFlow's variables in `env` say, or undefined when none is set. 3.1+ has its own names
 * (REDIS_PASSWORD, REDIS_PORT, REDIS_DB, POSTGRES_PORT); 2.0.16+ and 3.0.x share theirs
 * (REDIS_HOST, REDIS_PASS, DB_*) but not their database: MySQL on 3306 or PostgreSQL on 5432.
 */
export function readLoonflowEnv(env: Env): LoonflowEnv | undefined {
  const is31 = MARKERS_3_1.some((n) => present(env, n));
  const redisNames = [...REDIS_2, 'REDIS_PORT', 'REDIS_PASSWORD'].filter((n) => present(env, n));
  const dbNames = DATABASE.filter((n) => present(env, n));
  if (!is31 && redisNames.length === 0 && dbNames.length === 0) return undefined;
  const lines: EnvLines = is31 ? '3.1+' : '2.0.16+ or 3.0.x';
  const out: LoonflowEnv = { lines };
  if (redisNames.length || (is31 && present(env, 'REDIS_DB'))) {
    out.redis = {
      host: present(env, 'REDIS_HOST') ?? '127.0.0.1',
      port: (is31 && present(env, 'REDIS_PORT')) || '6379',
      // 2.x reads REDIS_PASS with 'loonflow123' as its default; 3.1+ reads REDIS_PASSWORD, default none.
      password: is31 ? (getenv(env, 'REDIS_PASSWORD') ?? '') : (getenv(env, 'REDIS_PASS') ?? 'loonflow123'),
      brokerDb: (is31 && present(env, 'REDIS_DB')) || '0',
      names: redisNames,
      brokerNames: [...redisNames, ...(is31 && present(env, 'REDIS_DB') ? ['REDIS_DB'] : [])],
    };
  }
  if (dbNames.length) {
    const candidates = is31
      ? [databaseUrl(env, 'postgres', present(env, 'POSTGRES_PORT') ?? '5432')]
      : [databaseUrl(env, 'mysql', '3306'), databaseUrl(env, 'postgres', '5432')];
    out.database = { candidates, names: dbNames };
  }
  return out;
}

/** A Redis URL in Celery's form for one of LoonFlow's Redis roles. */
export function loonflowRedisUrl(r: LoonflowRedisEnv, db: string): string {
  const auth = r.password ? `:${encodeURIComponent(r.password)}@` : '';
  return `redis://${auth}${r.host}:${r.port}/${db}`;
}
