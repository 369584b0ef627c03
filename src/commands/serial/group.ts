import type { GroupSpec } from '../spec.js';

export const serialGroup: GroupSpec = {
  name: 'serial',
  summary: 'LoonFlow ticket serials: reserve race-free, inspect counters, reseed from the database, audit',
  examples: [
    'loonctl serial next                          reserve one serial for today',
    'loonctl serial show --days 7                 counters of the last week against the database',
    'loonctl serial reseed --dry-run              what a reseed of today would change',
    'loonctl serial audit --from 2025-01-01 --to 2025-01-31',
    'loonctl serial parse loonflow_20250101000123',
  ],
};
