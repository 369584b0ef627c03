import { CONTROL_OPTIONS, type ControlInput } from '../worker/shared.js';
import type { OptionSpec } from '../spec.js';

export interface MetricsInput extends ControlInput {
  format?: 'prometheus' | 'openmetrics';
  textfile?: string;
  listen?: string;
  cache: number;
  state: boolean;
  workers: boolean;
  exactLimit: number;
  readBudget: number;
  maxTasks: number;
  lockMatch: string;
  maxLocks: number;
}

export const METRICS_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'format',
    type: 'string',
    placeholder: 'format',
    choices: ['prometheus', 'openmetrics'],
    description: 'stdout text: Prometheus 0.0.4 (default) or OpenMetrics 1.0.0; --listen follows the Accept header',
  },
  {
    name: 'textfile',
    type: 'string',
    placeholder: 'path',
    complete: 'file',
    description: "write to this file for node_exporter's textfile collector (temp file + rename, never half-written)",
  },
  {
    name: 'listen',
    type: 'string',
    placeholder: 'host:port',
    env: 'LOONCTL_METRICS_LISTEN',
    config: 'metricsListen',
    description: 'serve /metrics over HTTP for Prometheus until interrupted (port 0: any free port)',
  },
  {
    name: 'cache',
    type: 'duration',
    default: '15s',
    max: '1h',
    config: 'metricsCache',
    description: 'with --listen: scrapes within this long share one collection (about the scrape interval)',
  },
  {
    name: 'state',
    type: 'boolean',
    negatable: true,
    default: true,
    description: 'do not keep flow state in Redis between runs (stdout only; no rates or oldest-message age)',
  },
  {
    name: 'workers',
    type: 'boolean',
    negatable: true,
    default: true,
    description: 'do not ask the live workers (no consumers, no orphaned vs held)',
  },
  {
    name: 'exact-limit',
    type: 'int',
    default: 1000,
    min: 0,
    max: 100_000,
    config: 'metricsExactLimit',
    description: 'queues with up to this many ready messages are counted by task exactly; larger ones are sampled',
  },
  {
    name: 'read-budget',
    type: 'int',
    default: 5000,
    min: 1,
    max: 1_000_000,
    config: 'metricsReadBudget',
    description: 'messages read per collection (inside Redis) to count by task, shared out among the queues',
  },
  {
    name: 'max-tasks',
    type: 'int',
    default: 30,
    min: 1,
    max: 1000,
    config: 'metricsMaxTasks',
    description: 'task names kept as labels (the most frequent); the rest are summed as task="other"',
  },
  {
    name: 'lock-match',
    type: 'string',
    placeholder: 'glob',
    default: '*',
    config: 'metricsLockMatch',
    description: "which keys of LoonFlow's Redis to look at for locks (SCAN MATCH)",
  },
  {
    name: 'max-locks',
    type: 'int',
    default: 50,
    min: 0,
    max: 10_000,
    description: 'locks shown one by one (the oldest); all are counted by kind',
  },
  ...CONTROL_OPTIONS,
];
