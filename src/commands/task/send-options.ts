import type { CeleryFlavour } from '../../celery/write/publish.js';
import { TRANSPORT_OPTIONS, type TransportInput } from '../options/transport.js';
import { DRY_RUN } from '../options/write.js';
import type { OptionSpec } from '../spec.js';

export interface SendInput extends TransportInput {
  task: string;
  args?: string;
  kwargs?: string;
  queue: string;
  countdown?: number;
  eta?: string;
  priority?: number;
  id?: string;
  celery?: CeleryFlavour;
  declare?: boolean;
  dryRun?: boolean;
}

/** `task send`'s options: Celery's apply_async arguments, then kombu's transport options. */
export const SEND_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'args',
    type: 'string',
    placeholder: 'json',
    description: 'positional arguments, a JSON array (kombu typed values for UUID, datetime)',
  },
  { name: 'kwargs', type: 'string', placeholder: 'json', description: 'keyword arguments, a JSON object' },
  { name: 'queue', type: 'string', default: 'loonflow', complete: 'queues', description: 'queue to send to' },
  {
    name: 'countdown',
    type: 'duration',
    placeholder: 'dur',
    max: '366d',
    description: 'run this long from now (Celery countdown)',
  },
  { name: 'eta', type: 'string', placeholder: 'time', description: 'run at this time (ISO 8601; no offset: --tz)' },
  {
    name: 'priority',
    type: 'int',
    placeholder: 'n',
    min: 0,
    max: 255,
    description: 'message priority (Redis buckets 0-9)',
  },
  {
    name: 'celery',
    type: 'string',
    placeholder: 'version',
    choices: ['4.1', '5.2', '5.5'],
    description:
      "write what this Celery's producer writes (default from the LoonFlow line: 3.x 5.5, 2.0.14+ 5.2, else 4.1).",
  },
  { name: 'id', type: 'string', placeholder: 'uuid', description: 'task id (Celery task_id; default a new uuid4)' },
  { name: 'declare', type: 'boolean', description: 'declare the queue first when no binding names it' },
  DRY_RUN,
  ...TRANSPORT_OPTIONS,
];
