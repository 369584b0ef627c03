// `npm run completions`: writes the checked-in scripts in completions/ from the command tree.
import { writeFileSync } from 'node:fs';
import { registryTree } from '../commands/registry-tree.js';
import { completionScript, SHELL_FILES } from './script.js';

const root = new URL('../../completions/', import.meta.url);
const tree = registryTree();
for (const [shell, file] of Object.entries(SHELL_FILES)) {
  writeFileSync(new URL(file, root), completionScript(tree, shell as keyof typeof SHELL_FILES));
}
