import { UsageError } from '../core/errors.js';

/** Options a command cannot run without (commander's requiredOption would ignore env and config). */
export function requireOptions<T extends object>(input: T, keys: (keyof T & string)[]): void {
  const missing = keys.filter((k) => input[k] === undefined);
  if (missing.length) {
    const flags = missing.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new UsageError(`missing required option ${flags.join(', ')}`);
  }
}
