import { type LoonError, UsageError } from '../core/errors.js';

/** A Redis or database condition (wrong key type, NOPERM, connection lost) as a failed check; a bug is rethrown. */
export async function asFinding(e: unknown): Promise<LoonError> {
  const { classifyRedisError } = await import('../redis/errors.js');
  const typed = classifyRedisError(e);
  if (!typed || typed instanceof UsageError) throw e;
  return typed;
}
