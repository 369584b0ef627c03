import type { OptionSpec } from '../spec.js';

/** Celery's control_exchange: the worker commands and doctor's census use it. */
export const CONTROL_EXCHANGE: OptionSpec = {
  name: 'control-exchange',
  type: 'string',
  placeholder: 'name',
  env: 'LOONCTL_CONTROL_EXCHANGE',
  config: 'controlExchange',
  description: "Celery's control_exchange (default celery)",
};
