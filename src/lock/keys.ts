/**
 * loonctl's companions of a lock: metadata (a JSON string: host, pid, ...) and the fencing counter,
 * beside the lock key.
 */
export function metaKey(lock: string): string {
  return `loonctl:lock-meta:${lock}`;
}

export function fenceKey(lock: string): string {
  return `loonctl:lock-fence:${lock}`;
}

export function isCompanionKey(key: string): boolean {
  return key.startsWith('loonctl:lock-meta:') || key.startsWith('loonctl:lock-fence:');
}

export type LockKind =
  'loonctl' | 'redis-py' | 'kombu-unacked-mutex' | 'celery-once' | 'python-redis-lock' | 'django-cache' | 'unknown';

/** What wrote a lock, from its name and value. */
export function lockKind(name: string, token: string, hasMeta: boolean): LockKind {
  if (hasMeta) return 'loonctl';
  if (/(^|:)unacked_mutex$/.test(name)) return 'kombu-unacked-mutex';
  if (/^qo_/.test(name)) return 'celery-once';
  if (/^lock:/.test(name)) return 'python-redis-lock';
  if (/^:\d+:/.test(name)) return 'django-cache';
  if (/^[0-9a-f]{32}$/.test(token)) return 'redis-py';
  return 'unknown';
}
