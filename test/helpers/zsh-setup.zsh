# Sourced inside the zpty zsh of zsh-complete.zsh: loads compinit with our _loonctl and records
# every candidate that reaches the final compadd ("HIT:<match>", "DSC:<description>").
PS1='' PROMPT='' RPROMPT=''
unset zle_bracketed_paste
fpath=("$LOONCTL_ZSH_FPATH" $fpath)
autoload -U compinit
compinit -u -D
compadd() {
  # Calls that only collect (-O/-A/-D) belong to helpers such as _describe: pass them on.
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __h __d
  local __i=${@[(i)-d]}
  if (( __i < $# )); then __d=( "${(@P)${@[__i+1]}}" ); fi
  builtin compadd -A __h "$@"
  local x
  print -r -- ""
  for x in $__h; do print -r -- "HIT:$x"; done
  for x in $__d; do print -r -- "DSC:$x"; done
}
__loonctl_done() { print -r -- "END-OF-COMPLETION" }
comppostfuncs=(__loonctl_done)
zstyle ':completion:*' insert-tab false
bindkey '^I' complete-word
