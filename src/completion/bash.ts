import { encodeValue, shQuote } from './encode.js';
import { allCommands, CONNECTION_OPTIONS, type CommandSpec } from './tree.js';

/**
 * The bash script. Plain bash is enough (it reads COMP_WORDS/COMP_CWORD itself); when the
 * bash-completion package is loaded its `_filedir` is used for file names.
 */
export function bashScript(root: CommandSpec): string {
  const cmds = allCommands(root);
  const globals = root.options;
  const key = (c: CommandSpec) => shQuote(c.path.join(' '));

  const subs = cmds
    .filter((c) => c.commands.length)
    .map((c) => `    ${key(c)}) echo ${shQuote(c.commands.map((s) => s.name).join(' '))} ;;`);
  const opts = cmds.map((c) => {
    const flags = (c === root ? globals : [...c.options, ...globals]).flatMap((o) => o.flags);
    return `    ${key(c)}) echo ${shQuote(flags.join(' '))} ;;`;
  });
  const values: string[] = [];
  for (const c of cmds) {
    if (c === root) continue;
    for (const o of c.options)
      for (const f of o.flags)
        values.push(`    ${shQuote(`${c.path.join(' ')}|${f}`)}) echo ${shQuote(encodeValue(o.value))} ;;`);
  }
  for (const o of globals)
    for (const f of o.flags) values.push(`    *${shQuote(`|${f}`)}) echo ${shQuote(encodeValue(o.value))} ;;`);
  const positional: string[] = [];
  for (const c of cmds) {
    c.args.forEach((a, i) => {
      const pattern = a.variadic ? `${shQuote(`${c.path.join(' ')}|`)}*` : shQuote(`${c.path.join(' ')}|${i}`);
      positional.push(`    ${pattern}) echo ${shQuote(encodeValue(a.value))} ;;`);
    });
  }

  return `# bash completion for loonctl. Generated from the command tree by \`npm run completions\`; do not edit.
# Install: loonctl completion bash > ~/.local/share/bash-completion/completions/loonctl
#      or: echo 'source <(loonctl completion bash)' >> ~/.bashrc

_loonctl_subcommands() {
  case "$1" in
${subs.join('\n')}
  esac
}

_loonctl_options() {
  case "$1" in
${opts.join('\n')}
  esac
}

# "<command path>|<option>" -> flag | none | file | date | choices:... | dynamic:...
_loonctl_option_value() {
  case "$1|$2" in
${values.join('\n')}
    *) echo flag ;;
  esac
}

# "<command path>|<index>" -> what the positional argument at that index is
_loonctl_positional() {
  case "$1|$2" in
${positional.join('\n')}
    *) echo none ;;
  esac
}

_loonctl_complete_value() {
  local kind="$1" cur="$2"
  case "$kind" in
    file)
      local IFS=$'\\n'
      if declare -F _filedir >/dev/null; then _filedir; else COMPREPLY=($(compgen -f -- "$cur")); fi
      compopt -o filenames 2>/dev/null ;;
    date)
      COMPREPLY=($(compgen -W "today yesterday $(date +%F 2>/dev/null)" -- "$cur")) ;;
    choices:*)
      COMPREPLY=($(compgen -W "\${kind#choices:}" -- "$cur")) ;;
    dynamic:*)
      local IFS=$'\\n'
      COMPREPLY=($("\${_loonctl_bin:-loonctl}" __complete "\${kind#dynamic:}" "$cur" \\
        "\${_loonctl_conn[@]}" 2>/dev/null)) ;;
  esac
}

_loonctl() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" expect="" w i npos=0 opt
  local -a _loonctl_conn=()
  local _loonctl_bin="\${COMP_WORDS[0]}"
  COMPREPLY=()
  # "--output=js" arrives as "--output" "=" "js" (= is in COMP_WORDBREAKS).
  if [[ $cur == "=" ]]; then cur=""; fi
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ $w == "=" ]] && continue
    if [[ -n $expect ]]; then
      case " ${CONNECTION_OPTIONS.join(' ')} " in *" $expect "*) _loonctl_conn+=("$expect" "$w") ;; esac
      expect=""
      continue
    fi
    if [[ $w == "--" ]]; then break; fi
    if [[ $w == -* ]]; then
      [[ $(_loonctl_option_value "$path" "$w") != flag ]] && expect="$w"
      continue
    fi
    if [[ " $(_loonctl_subcommands "$path") " == *" $w "* ]]; then
      path="\${path:+$path }$w"
      npos=0
    else
      npos=$((npos + 1))
    fi
  done
  if [[ -n $expect ]]; then
    _loonctl_complete_value "$(_loonctl_option_value "$path" "$expect")" "$cur"
    return 0
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_loonctl_options "$path")" -- "$cur"))
    return 0
  fi
  local subs
  subs="$(_loonctl_subcommands "$path")"
  if [[ -n $subs ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
    return 0
  fi
  _loonctl_complete_value "$(_loonctl_positional "$path" "$npos")" "$cur"
  return 0
}

complete -F _loonctl loonctl
`;
}
