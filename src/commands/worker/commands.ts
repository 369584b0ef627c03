import type { CommandSpec } from '../spec.js';
import { workerLs } from './ls.js';
import { workerInspect } from './inspect.js';
import { workerPause } from './pause.js';
import { workerResume } from './resume.js';

/** The worker group's commands, in the order help lists them (loaded only when a run names the group). */
export const commands = [
  workerLs,
  workerInspect,
  workerPause,
  workerResume,
] as unknown as readonly CommandSpec<never>[];
