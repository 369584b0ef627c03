import { UsageError } from './errors.js';
import { pyStr, type PyValue } from './python-expr.js';
import type { LoonflowSettingsFile } from './loonflow-settings.js';

/** What loonctl takes from LoonFlow's settings file; each absent when the file does not say. */
export interface SettingsTargets {
  /** Counters: LoonFlow 1.x/2.x build their pool without a db, so db 0. */
  redisUrl?: string;
  brokerUrl?: string;
  databaseUrl?: string;
  engine?: 'mysql' | 'postgresql';
  zone?: string;
  tz?: string;
  useTz?: boolean;
}

const enc = encodeURIComponent;

function text(f: LoonflowSettingsFile, name: string): string | undefined {
  const v = f.values.get(name)?.value;
  return v === undefined || v === null ? undefined : pyStr(v);
}

function databaseUrl(f: LoonflowSettingsFile): Pick<SettingsTargets, 'databaseUrl' | 'engine'> {
  const entry = f.values.get('DATABASES');
  if (!entry) return {};
  const bad = (why: string) =>
    new UsageError(`LoonFlow settings ${f.path}, line ${entry.line}: DATABASES ${why}`, 'pass --database-url');
  const all = entry.value;
  const d = all && typeof all === 'object' && !Array.isArray(all) ? all.default : undefined;
  if (!d || typeof d !== 'object' || Array.isArray(d)) throw bad("has no 'default' dict");
  const field = (k: string): string => {
    const v: PyValue | undefined = d[k];
    return v === undefined || v === null ? '' : pyStr(v);
  };
  const engineText = field('ENGINE');
  const engine = /mysql/.test(engineText) ? 'mysql' : /postgres/.test(engineText) ? 'postgresql' : undefined;
  if (!engine) throw bad(`ENGINE '${engineText}' is neither MySQL nor PostgreSQL (LoonFlow ships only those)`);
  const port = field('PORT') || (engine === 'mysql' ? '3306' : '5432');
  const host = field('HOST') || '127.0.0.1';
  const user = field('USER');
  const pass = field('PASSWORD');
  const auth = user ? `${enc(user)}${pass ? `:${enc(pass)}` : ''}@` : '';
  const scheme = engine === 'mysql' ? 'mysql' : 'postgres';
  return { engine, databaseUrl: `${scheme}://${auth}${host}:${port}/${enc(field('NAME'))}` };
}

/** URLs and settings as LoonFlow would connect with them. */
export function settingsTargets(f: LoonflowSettingsFile): SettingsTargets {
  const out: SettingsTargets = { ...databaseUrl(f) };
  const host = text(f, 'REDIS_HOST');
  if (host !== undefined) {
    const password = text(f, 'REDIS_PASSWORD') ?? '';
    const auth = password ? `:${enc(password)}@` : '';
    const base = `redis://${auth}${host}:${text(f, 'REDIS_PORT') ?? '6379'}`;
    out.redisUrl = `${base}/0`;
    out.brokerUrl = `${base}/${text(f, 'REDIS_DB') ?? '0'}`;
  }
  const broker = text(f, 'CELERY_BROKER_URL');
  if (broker) out.brokerUrl = broker;
  const zone = text(f, 'DEPLOY_ZONE');
  if (zone) out.zone = zone;
  const tz = text(f, 'TIME_ZONE');
  if (tz) out.tz = tz;
  const useTz = f.values.get('USE_TZ')?.value;
  if (typeof useTz === 'boolean') out.useTz = useTz;
  return out;
}
