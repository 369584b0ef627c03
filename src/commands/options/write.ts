import type { OptionSpec } from '../spec.js';

/** Every destructive command has these; never bound to the environment. */
export const DRY_RUN: OptionSpec = {
  name: 'dry-run',
  type: 'boolean',
  description: 'show what would change, change nothing',
};
export const YES: OptionSpec = { name: 'yes', type: 'boolean', description: 'do not ask (needed off a terminal)' };
export const LIMIT: OptionSpec = { name: 'limit', type: 'int', min: 1, description: 'at most this many' };

export interface WriteInput {
  dryRun?: boolean;
  yes?: boolean;
}
