// Loaded with `node --import` before the CLI: adds `serial prime` to the command registry when the
// registry does not list it yet (the command is new; once registered there, this does nothing).
import { COMMANDS } from '../../../dist/commands/registry.js';
import { serialPrime } from '../../../dist/commands/serial/prime.js';

if (!COMMANDS.some((c) => c.path.join(' ') === 'serial prime')) COMMANDS.push(serialPrime);
