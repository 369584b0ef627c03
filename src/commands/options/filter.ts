import type { FilterSpec } from '../../celery/filter.js';
import type { OptionSpec } from '../spec.js';

const BASE: readonly OptionSpec[] = [
  { name: 'task', type: 'string', placeholder: 'glob', description: 'task name glob, e.g. "tasks.flow_*"' },
  { name: 'id', type: 'string', placeholder: 'id', description: 'task id' },
  { name: 'grep', type: 'string', placeholder: 'text', description: 'text anywhere in the message or its arguments' },
  { name: 'priority', type: 'int', min: 0, max: 255, description: 'message priority' },
  {
    name: 'tenant',
    type: 'string',
    placeholder: 'id',
    description: 'LoonFlow 3.x: only tasks of this tenant (the first argument of every 3.x task)',
  },
];
const ETA: readonly OptionSpec[] = [
  { name: 'eta-before', type: 'string', placeholder: 'time', description: 'ETA before this ISO time' },
  { name: 'eta-after', type: 'string', placeholder: 'time', description: 'ETA after this ISO time' },
];

/** The filters shared by peek, export, move and purge. */
export const FILTER_OPTIONS: readonly OptionSpec[] = [...BASE, ...ETA];
/** Filters without ETA bounds (requeue has its own ETA rule). */
export const FILTER_OPTIONS_NO_ETA = BASE;

/** The filter options as a command's input: the same fields as the domain's FilterSpec. */
export type FilterInput = FilterSpec;

export function filterSpec(f: FilterInput): FilterSpec {
  return {
    task: f.task,
    id: f.id,
    grep: f.grep,
    priority: f.priority,
    etaBefore: f.etaBefore,
    etaAfter: f.etaAfter,
    tenant: f.tenant,
  };
}
