import type { CommandSpec } from '../spec.js';
import { serialNext } from './next.js';
import { serialShow } from './show.js';
import { serialReseed } from './reseed.js';
import { serialPrime } from './prime.js';
import { serialAudit } from './audit.js';
import { serialParse } from './parse.js';

/** The serial group's commands, in the order help lists them (loaded only when a run names the group). */
export const commands = [
  serialNext,
  serialShow,
  serialReseed,
  serialPrime,
  serialAudit,
  serialParse,
] as unknown as readonly CommandSpec<never>[];
