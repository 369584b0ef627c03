# bash completion for loonctl. Generated from the command tree by `npm run completions`; do not edit.
# Install: loonctl completion bash > ~/.local/share/bash-completion/completions/loonctl
#      or: echo 'source <(loonctl completion bash)' >> ~/.bashrc

_loonctl_subcommands() {
  case "$1" in
    '') echo 'serial queue lock doctor config completion' ;;
    'config') echo 'show' ;;
  esac
}

_loonctl_options() {
  case "$1" in
    '') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --config --profile --tz --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'serial') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --config --profile --tz --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'queue') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --config --profile --tz --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'lock') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --config --profile --tz --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'doctor') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --config --profile --tz --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'config') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --config --profile --tz --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'config show') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --config --profile --tz --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'completion') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --config --profile --tz --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
  esac
}

# "<command path>|<option>" -> flag | none | file | date | choices:... | dynamic:...
_loonctl_option_value() {
  case "$1|$2" in
    *'|-V') echo 'flag' ;;
    *'|--version') echo 'flag' ;;
    *'|--redis-url') echo 'none' ;;
    *'|--broker-url') echo 'none' ;;
    *'|--database-url') echo 'none' ;;
    *'|--sentinel-master') echo 'none' ;;
    *'|--config') echo 'file' ;;
    *'|--profile') echo 'dynamic:profiles' ;;
    *'|--tz') echo 'none' ;;
    *'|--timeout') echo 'none' ;;
    *'|-o') echo 'choices:table wide json jsonl plain' ;;
    *'|--output') echo 'choices:table wide json jsonl plain' ;;
    *'|--json') echo 'flag' ;;
    *'|--no-color') echo 'flag' ;;
    *'|-q') echo 'flag' ;;
    *'|--quiet') echo 'flag' ;;
    *'|-v') echo 'flag' ;;
    *'|--verbose') echo 'flag' ;;
    *) echo flag ;;
  esac
}

# "<command path>|<index>" -> what the positional argument at that index is
_loonctl_positional() {
  case "$1|$2" in
    'completion|0') echo 'choices:bash zsh fish' ;;
    *) echo none ;;
  esac
}

_loonctl_complete_value() {
  local kind="$1" cur="$2"
  case "$kind" in
    file)
      local IFS=$'\n'
      if declare -F _filedir >/dev/null; then _filedir; else COMPREPLY=($(compgen -f -- "$cur")); fi
      compopt -o filenames 2>/dev/null ;;
    date)
      COMPREPLY=($(compgen -W "today yesterday $(date +%F 2>/dev/null)" -- "$cur")) ;;
    choices:*)
      COMPREPLY=($(compgen -W "${kind#choices:}" -- "$cur")) ;;
    dynamic:*)
      local IFS=$'\n'
      COMPREPLY=($("${_loonctl_bin:-loonctl}" __complete "${kind#dynamic:}" "$cur" "${_loonctl_conn[@]}" 2>/dev/null)) ;;
  esac
}

_loonctl() {
  local cur="${COMP_WORDS[COMP_CWORD]}" path="" expect="" w i npos=0 opt
  local -a _loonctl_conn=()
  local _loonctl_bin="${COMP_WORDS[0]}"
  COMPREPLY=()
  # "--output=js" arrives as "--output" "=" "js" (= is in COMP_WORDBREAKS).
  if [[ $cur == "=" ]]; then cur=""; fi
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="${COMP_WORDS[i]}"
    [[ $w == "=" ]] && continue
    if [[ -n $expect ]]; then
      case " --redis-url --broker-url --config --profile --sentinel-master --key-prefix " in *" $expect "*) _loonctl_conn+=("$expect" "$w") ;; esac
      expect=""
      continue
    fi
    if [[ $w == "--" ]]; then break; fi
    if [[ $w == -* ]]; then
      [[ $(_loonctl_option_value "$path" "$w") != flag ]] && expect="$w"
      continue
    fi
    if [[ " $(_loonctl_subcommands "$path") " == *" $w "* ]]; then
      path="${path:+$path }$w"
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
