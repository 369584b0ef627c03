// Start-up cost of the CLI against bare `node -e 0`, medians of 10 runs measured in one run.
import { BIN, report, timeCommand } from './lib.mjs';

const node = process.execPath;
const floor = timeCommand(node, ['-e', '0']);
report('loonctl --version', timeCommand(node, [BIN, '--version']), 'node -e 0', floor, 'ms', 1.6);
report('loonctl --help', timeCommand(node, [BIN, '--help']), 'node -e 0', floor);
report('loonctl config show', timeCommand(node, [BIN, 'config', 'show']), 'node -e 0', floor);
