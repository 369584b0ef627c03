import type { CommandSpec } from '../spec.js';
import { queueList } from './list.js';
import { queuePeek } from './peek.js';
import { queueShow } from './show.js';
import { queueStats } from './stats.js';
import { queueExport } from './export.js';
import { queueRequeue } from './requeue.js';
import { queueMove } from './move.js';
import { queuePurge } from './purge.js';
import { queueImport } from './import.js';

/** The queue group's commands, in the order help lists them (loaded only when a run names the group). */
export const commands = [
  queueList,
  queuePeek,
  queueShow,
  queueStats,
  queueExport,
  queueRequeue,
  queueMove,
  queuePurge,
  queueImport,
] as unknown as readonly CommandSpec<never>[];
