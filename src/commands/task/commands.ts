import type { CommandSpec } from '../spec.js';
import { taskRevoke } from './revoke.js';
import { taskSend } from './send.js';

/** The task group's commands, in the order help lists them (loaded only when a run names the group). */
export const commands = [taskRevoke, taskSend] as unknown as readonly CommandSpec<never>[];
