import type { OptionSpec } from '../spec.js';

/** kombu transport options a deployment may have changed; all can live in the config file. */
export const TRANSPORT_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'key-prefix',
    type: 'string',
    placeholder: 'prefix',
    env: 'LOONCTL_KEY_PREFIX',
    config: 'keyPrefix',
    description: "kombu's global_keyprefix",
  },
  {
    name: 'sep',
    type: 'string',
    placeholder: 'bytes',
    config: 'sep',
    description: 'separator between queue name and priority step (default \\x06\\x16)',
  },
  {
    name: 'priority-steps',
    type: 'string',
    placeholder: 'list',
    config: 'prioritySteps',
    description: 'priority steps (default 0,3,6,9)',
  },
  {
    name: 'visibility-timeout',
    type: 'duration',
    env: 'LOONCTL_VISIBILITY_TIMEOUT',
    config: 'visibilityTimeout',
    min: '1s',
    max: '366d',
    description: "kombu's visibility_timeout (default 3600s)",
  },
];

export interface TransportInput {
  keyPrefix?: string;
  sep?: string;
  prioritySteps?: string;
  visibilityTimeout?: number;
}
