#!/usr/bin/env zsh
# Drives real zsh completion in a pseudo-terminal (zpty) and prints what it offers, one per line:
# "HIT:<match>" and "DSC:<description>". Usage: zsh-complete.zsh <dir with _loonctl> '<command line>'
zmodload zsh/zpty
export LOONCTL_ZSH_FPATH=$1
zpty z zsh -f -i
zpty -w z "source ${(q)${0:A:h}}/zsh-setup.zsh"
zpty -w -n z "$2"$'\t'
integer tries=0
local line out=''
while (( tries++ < 500 )); do
  if zpty -r -t z line; then
    out+="$line"
    [[ $out == *END-OF-COMPLETION* ]] && break
  else
    sleep 0.02
  fi
done
zpty -d z
print -r -- "$out" | tr -d '\r' | grep -aE '^(HIT|DSC):' | sort -u
