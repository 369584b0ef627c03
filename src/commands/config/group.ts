import type { GroupSpec } from '../spec.js';

export const configGroup: GroupSpec = {
  name: 'config',
  summary: 'show the effective configuration',
  examples: ['loonctl config show', 'loonctl --profile prod config show'],
};
