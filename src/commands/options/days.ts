import type { OptionSpec } from '../spec.js';

const DAY: readonly OptionSpec[] = [
  {
    name: 'date',
    type: 'string',
    placeholder: 'date',
    complete: 'date',
    description: 'one day: YYYY-MM-DD, today or yesterday (default today)',
  },
  { name: 'from', type: 'string', placeholder: 'date', complete: 'date', description: 'first day of a range' },
  { name: 'to', type: 'string', placeholder: 'date', complete: 'date', description: 'last day of a range' },
];
const LAST_DAYS: OptionSpec = {
  name: 'days',
  type: 'int',
  min: 1,
  max: 366,
  description: 'the last N days, today included',
};

export const DAY_OPTIONS = DAY;
export const DAY_OPTIONS_WITH_LAST = [...DAY, LAST_DAYS];

export interface DayInput {
  date?: string;
  from?: string;
  to?: string;
  days?: number;
}
