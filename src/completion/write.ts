// `npm run completions`: writes the checked-in scripts in completions/ from the command tree.
import { writeFileSync } from 'node:fs';
import { buildProgram } from '../cli.js';
import { completionScript, SHELL_FILES } from './script.js';

const root = new URL('../../completions/', import.meta.url);
const program = buildProgram();
for (const [shell, file] of Object.entries(SHELL_FILES)) {
  writeFileSync(new URL(file, root), completionScript(program, shell as keyof typeof SHELL_FILES));
}
