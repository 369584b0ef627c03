import { UsageError } from '../core/errors.js';

/**
 * Every check doctor runs, by the name `--skip` takes (the report's name with dashes for spaces).
 * Skipping a connection (redis, broker, database) skips what needs it, and doctor never opens it.
 */
export const CHECK_NAMES = [
  'redis',
  'redis-version',
  'redis-role',
  'maxmemory-policy',
  'broker',
  'database',
  'database-version',
  'loonflow',
  'ticket-table',
  'serial-counter',
  'serial-primed',
  'celery-backlog',
  'queue-ready',
  'oldest-ready',
  'not-draining',
  'unacked-age',
  'eta-delay',
  'unacked-mutex',
  'queue-consumers',
  'long-running-tasks',
] as const;

export type CheckName = (typeof CHECK_NAMES)[number];

/** `serial primed` -> `serial-primed`. */
export function checkSlug(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '-');
}

/** The report's name for a check: dashes become spaces except where the name has its own. */
export function displayName(slug: CheckName): string {
  return slug === 'maxmemory-policy'
    ? slug
    : slug === 'long-running-tasks'
      ? 'long-running tasks'
      : slug.replace(/-/g, ' ');
}

/** The checks to skip, from `--skip` values (names with spaces or dashes); an unknown name is a usage error. */
export function parseSkip(values: readonly string[]): Set<CheckName> {
  const known = new Set<string>(CHECK_NAMES);
  const out = new Set<CheckName>();
  for (const v of values) {
    const slug = checkSlug(v);
    if (!known.has(slug)) throw new UsageError(`--skip: no check '${v}'`, `checks: ${CHECK_NAMES.join(', ')}`);
    out.add(slug as CheckName);
  }
  return out;
}
