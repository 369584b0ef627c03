import { readFileSync } from 'node:fs';

/** Profile names in the config file, or none if it cannot be read. */
export function profileNames(path: string | undefined): string[] {
  if (!path) return [];
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { profiles?: Record<string, unknown> };
    return Object.entries(raw.profiles ?? {})
      .map(([name]) => name)
      .sort();
  } catch {
    return [];
  }
}
