import type { GroupSpec } from '../spec.js';

export const lockGroup: GroupSpec = {
  name: 'lock',
  summary:
    'Redis locks that interoperate with redis-py Lock: acquire, release, extend, show, list, ' +
    'run a command under a lock',
  examples: [
    'loonctl lock acquire nightly --ttl 5m          prints the token',
    'loonctl lock release nightly --token <token>',
    'loonctl lock list --match "qo_*"',
    'loonctl lock run nightly-report --ttl 60s -- ./report.sh --full',
  ],
};
