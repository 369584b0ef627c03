import { defineCommand } from '../spec.js';

export const completion = defineCommand<{ shell: 'bash' | 'zsh' | 'fish' }>({
  path: ['completion'],
  summary: 'print the shell completion script for bash, zsh or fish',
  args: [{ name: 'shell', required: true, choices: ['bash', 'zsh', 'fish'], description: 'the shell' }],
  examples: [
    'loonctl completion bash > ~/.local/share/bash-completion/completions/loonctl',
    'loonctl completion zsh > "${fpath[1]}/_loonctl"',
    'loonctl completion fish > ~/.config/fish/completions/loonctl.fish',
  ],
  async run(_ctx, o) {
    const [{ completionScript }, { registryTree }] = await Promise.all([
      import('../../completion/script.js'),
      import('../registry-tree.js'),
    ]);
    return { views: [{ kind: 'raw', data: Buffer.from(`${completionScript(registryTree(), o.shell).trimEnd()}\n`) }] };
  },
});
