import { GROUPS, loadSpecs } from './catalog.js';

export { GROUPS };

/**
 * Every command. The commander tree for help, shell completion and the README's command reference are
 * generated from this list; a normal run loads only the specs it names (catalog.ts).
 */
export const COMMANDS = await loadSpecs();

/** Config-file keys of every command option, so the config file may set any of them. */
export function optionConfigKeys(): string[] {
  const keys = new Set<string>();
  for (const c of COMMANDS) for (const o of c.options ?? []) if (o.config) keys.add(o.config);
  return [...keys];
}
