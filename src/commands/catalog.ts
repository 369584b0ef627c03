// What every run reads: the groups' names, summaries and examples (small), and a loader of the specs of
// each group and top-level command, so that a run loads only the specs of the commands it names (each
// loader's modules are a chunk of their own in the bundle; start-up is benchmarked). Whatever needs every
// command (README reference, completion scripts, top-level help) loads them all through registry.ts.
import { configGroup } from './config/group.js';
import { lockGroup } from './lock/group.js';
import { queueGroup } from './queue/group.js';
import { serialGroup } from './serial/group.js';
import type { CommandSpec, GroupSpec } from './spec.js';
import { taskGroup } from './task/group.js';
import { ticketGroup } from './ticket/group.js';
import { workerGroup } from './worker/group.js';

export const DESCRIPTION =
  'Operate LoonFlow: ticket serials, Celery queues and locks in Redis, checked against the database.';

/** Command groups, in the order help lists them. */
export const GROUPS: readonly GroupSpec[] = [
  serialGroup,
  queueGroup,
  workerGroup,
  taskGroup,
  ticketGroup,
  lockGroup,
  configGroup,
];

type Specs = readonly CommandSpec<never>[];

export interface Loader {
  /** The group's name, or the top-level command's. */
  name: string;
  /** A hidden top-level command (help and "did you mean" leave it out). */
  hidden?: boolean;
  load(): Promise<Specs>;
}

const one = (spec: unknown): Specs => [spec as CommandSpec<never>];

/** Groups first, in GROUPS' order, then the top-level commands in the order help lists them. */
export const LOADERS: readonly Loader[] = [
  { name: 'serial', load: async () => (await import('./serial/commands.js')).commands },
  { name: 'queue', load: async () => (await import('./queue/commands.js')).commands },
  { name: 'worker', load: async () => (await import('./worker/commands.js')).commands },
  { name: 'task', load: async () => (await import('./task/commands.js')).commands },
  { name: 'ticket', load: async () => (await import('./ticket/commands.js')).commands },
  { name: 'lock', load: async () => (await import('./lock/commands.js')).commands },
  { name: 'config', load: async () => (await import('./config/commands.js')).commands },
  { name: 'top', load: async () => one((await import('./top/top.js')).top) },
  { name: 'doctor', load: async () => one((await import('./doctor/doctor.js')).doctor) },
  { name: 'metrics', load: async () => one((await import('./metrics/metrics.js')).metrics) },
  { name: 'completion', load: async () => one((await import('./completion/completion.js')).completion) },
  { name: '__complete', hidden: true, load: async () => one((await import('./completion/complete.js')).complete) },
];

/** The specs of the groups and top-level commands whose names `wanted` accepts, in help order. */
export async function loadSpecs(wanted: (name: string) => boolean = () => true): Promise<Specs> {
  return (await Promise.all(LOADERS.filter((l) => wanted(l.name)).map((l) => l.load()))).flat();
}
