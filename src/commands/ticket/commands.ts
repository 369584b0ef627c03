import type { CommandSpec } from '../spec.js';
import { ticketStuck } from './stuck.js';
import { ticketTrace } from './trace.js';
import { ticketRetry } from './retry.js';

/** The ticket group's commands, in the order help lists them (loaded only when a run names the group). */
export const commands = [ticketStuck, ticketTrace, ticketRetry] as unknown as readonly CommandSpec<never>[];
