import { bashScript } from './bash.js';
import { fishScript } from './fish.js';
import type { CommandSpec } from './tree.js';
import { zshScript } from './zsh.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];
/** Where each shell's script is checked in, under completions/. */
export const SHELL_FILES: Record<Shell, string> = { bash: 'loonctl.bash', zsh: '_loonctl', fish: 'loonctl.fish' };

export function completionScript(tree: CommandSpec, shell: Shell): string {
  return shell === 'bash' ? bashScript(tree) : shell === 'zsh' ? zshScript(tree) : fishScript(tree);
}
