import { CHECK_NAMES } from '../../doctor/check-names.js';
import type { OptionSpec } from '../spec.js';
import { CONTROL_EXCHANGE } from './control.js';
import { SERIAL_FORMAT_OPTIONS, TICKET_TABLE_OPTIONS, type TicketTableInput } from './tickets.js';
import { TRANSPORT_OPTIONS, type TransportInput } from './transport.js';

const perQueue = (name: string, what: string, unit: string): OptionSpec => ({
  name: `queue-${name}`,
  type: 'string',
  repeatable: true,
  placeholder: `queue=${unit}`,
  config: `queue${name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}`,
  description: `--${name} for one queue (${what}); queue=off turns it off there`,
});

/** Thresholds for cron: each failing one fails doctor (exit 1); all can live in a config-file profile. */
export const DOCTOR_THRESHOLD_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'max-ready',
    type: 'int',
    min: 0,
    placeholder: 'n',
    config: 'maxReady',
    description: 'fail when a queue holds more ready messages than this',
  },
  {
    name: 'max-oldest',
    type: 'duration',
    min: '1s',
    max: '366d',
    config: 'maxOldest',
    description: "fail when a queue's oldest ready message has waited longer (inferred between runs, a lower bound)",
  },
  {
    name: 'max-unacked-age',
    type: 'duration',
    min: '1s',
    max: '366d',
    config: 'maxUnackedAge',
    description: 'fail when a message has been taken and not acknowledged for longer than this',
  },
  perQueue('max-ready', 'e.g. reports=50000', 'n'),
  perQueue('max-oldest', 'e.g. reports=2h', 'duration'),
  perQueue('max-unacked-age', 'e.g. reports=3h', 'duration'),
  {
    name: 'not-draining-after',
    type: 'duration',
    default: '10m',
    min: '1s',
    max: '366d',
    config: 'notDrainingAfter',
    description: 'fail a queue with a backlog from which nothing was consumed for this long',
  },
  {
    name: 'skip',
    type: 'string',
    repeatable: true,
    choices: CHECK_NAMES,
    placeholder: 'check',
    config: 'skip',
    description: 'do not run this check (reported as skip)',
  },
];

export interface DoctorThresholdInput {
  maxReady?: number;
  maxOldest?: number;
  maxUnackedAge?: number;
  queueMaxReady?: string[];
  queueMaxOldest?: string[];
  queueMaxUnackedAge?: string[];
  notDrainingAfter: number;
  skip?: string[];
}

/** Every deployment option doctor reads: kombu's layout, the ticket table, the zone, the control exchange. */
export const DOCTOR_DEPLOYMENT_OPTIONS: readonly OptionSpec[] = [
  ...TRANSPORT_OPTIONS,
  CONTROL_EXCHANGE,
  ...TICKET_TABLE_OPTIONS,
  ...SERIAL_FORMAT_OPTIONS.filter((o) => o.name === 'zone'),
];

export interface DoctorDeploymentInput extends TransportInput, TicketTableInput {
  controlExchange?: string;
  zone?: string;
}
