import type { CommandSpec } from '../spec.js';
import { configShow } from './show.js';

/** The config group's commands, in the order help lists them (loaded only when a run names the group). */
export const commands = [configShow] as unknown as readonly CommandSpec<never>[];
