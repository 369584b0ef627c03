import { argsText, kwargsText, type DecodedMessage } from '../celery/envelope.js';

/** The `/` filter of top: the text anywhere in the task name, the id, or the arguments (case-insensitive). */
export function matchesText(m: DecodedMessage, needle: string): boolean {
  const n = needle.toLowerCase();
  if (!n) return true;
  return [m.task ?? '', m.id ?? '', argsText(m), kwargsText(m)].some((s) => s.toLowerCase().includes(n));
}
