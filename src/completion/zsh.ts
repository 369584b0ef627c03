import { describeItem, encodeValue, shQuote } from './encode.js';
import { allCommands, CONNECTION_OPTIONS, type CommandSpec } from './tree.js';

/**
 * The zsh script (`_loonctl` for a directory in $fpath): subcommands and options with descriptions.
 * (No variable may be called `path` here: zsh ties it to $PATH.)
 */
export function zshScript(root: CommandSpec): string {
  const cmds = allCommands(root);
  const globals = root.options;
  const key = (c: CommandSpec) => shQuote(c.path.join(' '));
  const list = (items: string[]) => items.map((i) => `      ${shQuote(i)}`).join('\n');

  const subs = cmds
    .filter((c) => c.commands.length)
    .map(
      (c) => `    ${key(c)}) reply=(\n${list(c.commands.map((s) => describeItem(s.name, s.description)))}\n    ) ;;`,
    );
  const opts = cmds.map((c) => {
    const all = c === root ? globals : [...c.options, ...globals];
    const items = all.flatMap((o) => o.flags.map((f) => describeItem(f, o.description)));
    return `    ${key(c)}) reply=(\n${list(items)}\n    ) ;;`;
  });
  const values: string[] = [];
  for (const c of cmds) {
    if (c === root) continue;
    for (const o of c.options)
      for (const f of o.flags)
        values.push(`    ${shQuote(`${c.path.join(' ')}|${f}`)}) REPLY=${shQuote(encodeValue(o.value))} ;;`);
  }
  for (const o of globals)
    for (const f of o.flags) values.push(`    *${shQuote(`|${f}`)}) REPLY=${shQuote(encodeValue(o.value))} ;;`);
  const positional: string[] = [];
  for (const c of cmds) {
    c.args.forEach((a, i) => {
      const pattern = a.variadic ? `${shQuote(`${c.path.join(' ')}|`)}*` : shQuote(`${c.path.join(' ')}|${i}`);
      positional.push(`    ${pattern}) REPLY=${shQuote(encodeValue(a.value))} ;;`);
    });
  }

  return `#compdef loonctl
# zsh completion for loonctl. Generated from the command tree by \`npm run completions\`; do not edit.
# Install: loonctl completion zsh > "\${fpath[1]}/_loonctl"   (any directory in $fpath), then: compinit

_loonctl_subcommands() {
  reply=()
  case "$1" in
${subs.join('\n')}
  esac
}

_loonctl_options() {
  reply=()
  case "$1" in
${opts.join('\n')}
  esac
}

_loonctl_option_value() {
  case "$1|$2" in
${values.join('\n')}
    *) REPLY=flag ;;
  esac
}

_loonctl_positional() {
  case "$1|$2" in
${positional.join('\n')}
    *) REPLY=none ;;
  esac
}

_loonctl_complete_value() {
  local kind="$1"
  case "$kind" in
    file) _files ;;
    date) compadd -- today yesterday "$(date +%F 2>/dev/null)" ;;
    choices:*) compadd -- \${=kind#choices:} ;;
    dynamic:*)
      local -a names
      names=(\${(f)"$("\${words[1]}" __complete "\${kind#dynamic:}" "$PREFIX" "\${conn[@]}" 2>/dev/null)"})
      (( \${#names} )) && compadd -- "\${names[@]}" ;;
  esac
}

_loonctl() {
  local cmdpath="" expect="" w i npos=0 REPLY
  local -a reply conn
  for (( i = 2; i < CURRENT; i++ )); do
    w="\${words[i]}"
    if [[ -n $expect ]]; then
      case " ${CONNECTION_OPTIONS.join(' ')} " in *" $expect "*) conn+=("$expect" "$w") ;; esac
      expect=""
      continue
    fi
    [[ $w == "--" ]] && break
    if [[ $w == -* ]]; then
      _loonctl_option_value "$cmdpath" "\${w%%=*}"
      [[ $REPLY != flag && $w != *=* ]] && expect="$w"
      continue
    fi
    _loonctl_subcommands "$cmdpath"
    if (( \${reply[(I)\${w}:*]} )); then
      cmdpath="\${cmdpath:+$cmdpath }$w"
      npos=0
    else
      (( npos++ ))
    fi
  done
  if [[ -n $expect ]]; then
    _loonctl_option_value "$cmdpath" "$expect"
    _loonctl_complete_value "$REPLY"
    return
  fi
  if [[ $PREFIX == --*=* ]]; then
    _loonctl_option_value "$cmdpath" "\${PREFIX%%=*}"
    compset -P '*='
    _loonctl_complete_value "$REPLY"
    return
  fi
  if [[ $PREFIX == -* ]]; then
    _loonctl_options "$cmdpath"
    _describe -t options 'option' reply
    return
  fi
  _loonctl_subcommands "$cmdpath"
  if (( \${#reply} )); then
    _describe -t commands 'loonctl command' reply
    return
  fi
  _loonctl_positional "$cmdpath" "$npos"
  _loonctl_complete_value "$REPLY"
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _loonctl "$@"
else
  compdef _loonctl loonctl
fi
`;
}
