import { allCommands, CONNECTION_OPTIONS, valueOptions, type CommandSpec, type ValueKind } from './tree.js';

function fishQuote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** fish `complete` arguments that offer a value of this kind. */
function valueArgs(v: ValueKind): string {
  switch (v.kind) {
    case 'file':
      return '-r -F';
    case 'date':
      return `-x -a ${fishQuote('today yesterday (date +%F)')}`;
    case 'choices':
      return `-x -a ${fishQuote(v.choices.join(' '))}`;
    case 'dynamic':
      return `-x -a ${fishQuote(`(__loonctl_dynamic ${v.name})`)}`;
    case 'none':
      return '-x';
    case 'flag':
      return '';
  }
}

function optionFlags(flags: string[]): string {
  return flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`)).join(' ');
}

/** The fish script (for ~/.config/fish/completions/loonctl.fish). */
export function fishScript(root: CommandSpec): string {
  const cmds = allCommands(root);
  const lines: string[] = [];
  const subcommandCases = cmds
    .filter((c) => c.commands.length)
    .map((c) => {
      const names = c.commands.map((x) => fishQuote(x.name)).join(' ');
      return `        case ${fishQuote(c.path.join(' '))}\n            printf '%s\\n' ${names}`;
    })
    .join('\n');
  for (const c of cmds) {
    const at = fishQuote(`__loonctl_at ${fishQuote(c.path.join(' '))}`);
    for (const s of c.commands)
      lines.push(`complete -c loonctl -n ${at} -f -a ${fishQuote(s.name)} -d ${fishQuote(s.description)}`);
    if (c !== root) {
      for (const o of c.options)
        lines.push(
          [`complete -c loonctl -n ${at}`, optionFlags(o.flags), valueArgs(o.value), `-d ${fishQuote(o.description)}`]
            .join(' ')
            .replace(/ {2,}/g, ' '),
        );
    }
    c.args.forEach((a, i) => {
      if (a.value.kind === 'none') return;
      const cond = fishQuote(
        `__loonctl_at ${fishQuote(c.path.join(' '))}; and __loonctl_npos ${a.variadic ? `-ge ${i}` : `-eq ${i}`}`,
      );
      lines.push(`complete -c loonctl -n ${cond} ${valueArgs(a.value)}`);
    });
  }
  for (const o of root.options)
    lines.push(
      `complete -c loonctl ${optionFlags(o.flags)} ${valueArgs(o.value)} -d ${fishQuote(o.description)}`.replace(
        / {2,}/g,
        ' ',
      ),
    );

  return `# fish completion for loonctl. Generated from the command tree by \`npm run completions\`; do not edit.
# Install: loonctl completion fish > ~/.config/fish/completions/loonctl.fish

set -g __loonctl_value_options ${valueOptions(root).join(' ')}
set -g __loonctl_connection_options ${CONNECTION_OPTIONS.join(' ')}

function __loonctl_subcommands
    switch "$argv[1]"
${subcommandCases}
    end
end

# Prints the command path (e.g. "queue peek") and the number of positional words after it.
function __loonctl_walk
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l path
    set -l npos 0
    set -l skip 0
    for t in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        if test "$t" = "--"
            break
        end
        if string match -q -- '-*' $t
            if contains -- $t $__loonctl_value_options
                set skip 1
            end
            continue
        end
        if test $npos -eq 0; and contains -- $t (__loonctl_subcommands (string join ' ' $path))
            set -a path $t
        else
            set npos (math $npos + 1)
        end
    end
    echo (string join ' ' $path)
    echo $npos
end

function __loonctl_at
    set -l walk (__loonctl_walk)
    test "$walk[1]" = "$argv[1]"
end

function __loonctl_npos
    set -l walk (__loonctl_walk)
    test $walk[2] $argv[1] $argv[2]
end

function __loonctl_dynamic
    set -l tokens (commandline -opc)
    set -l conn
    for i in (seq 2 (count $tokens))
        if contains -- $tokens[$i] $__loonctl_connection_options; and test $i -lt (count $tokens)
            set -a conn $tokens[$i] $tokens[(math $i + 1)]
        end
    end
    $tokens[1] __complete $argv[1] (commandline -ct) $conn 2>/dev/null
end

# No file names unless an option or argument takes a file.
complete -c loonctl -f
${lines.join('\n')}
`;
}
