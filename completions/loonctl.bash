# bash completion for loonctl. Generated from the command tree by `npm run completions`; do not edit.
# Install: loonctl completion bash > ~/.local/share/bash-completion/completions/loonctl
#      or: echo 'source <(loonctl completion bash)' >> ~/.bashrc

_loonctl_subcommands() {
  case "$1" in
    '') echo 'serial queue worker task ticket lock config top doctor metrics completion' ;;
    'serial') echo 'next show reseed prime audit parse' ;;
    'queue') echo 'list peek show stats export requeue move purge import' ;;
    'worker') echo 'ls inspect pause resume' ;;
    'task') echo 'revoke send' ;;
    'ticket') echo 'stuck trace retry' ;;
    'lock') echo 'acquire release extend show list run' ;;
    'config') echo 'show' ;;
  esac
}

_loonctl_options() {
  case "$1" in
    '') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'serial') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'serial next') echo '--count --date --init-from --prefix --zone --ticket-table --id-column --serial-column --created-column --deleted-column --db-timestamps -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'serial show') echo '--date --from --to --days --prefix --zone --ticket-table --id-column --serial-column --created-column --deleted-column --db-timestamps -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'serial reseed') echo '--strategy --allow-lower --skip-invalid --replace-invalid --dry-run --yes --date --from --to --zone --ticket-table --id-column --serial-column --created-column --deleted-column --db-timestamps -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'serial prime') echo '--days --dry-run --zone --ticket-table --id-column --serial-column --created-column --deleted-column --db-timestamps -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'serial audit') echo '--date --from --to --prefix --zone --ticket-table --id-column --serial-column --created-column --deleted-column --db-timestamps -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'serial parse') echo '--prefix -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'queue') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'queue list') echo '--all --no-workers --watch --control-exchange --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'queue peek') echo '--limit --offset --unacked --raw --task --id --grep --priority --tenant --eta-before --eta-after --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'queue show') echo '--key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'queue stats') echo '--watch --exact --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'queue export') echo '-f --file --force --unacked --limit --no-summary --task --id --grep --priority --tenant --eta-before --eta-after --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'queue requeue') echo '--unacked --queue --older-than --all-ages --include-eta --keep-bytes --mutex-wait --dry-run --yes --task --id --grep --priority --tenant --control-exchange --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'queue move') echo '--limit --keep-routing --dry-run --yes --task --id --grep --priority --tenant --eta-before --eta-after --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'queue purge') echo '--unacked --backup --append --mutex-wait --limit --dry-run --yes --task --id --grep --priority --tenant --eta-before --eta-after --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'queue import') echo '--to --allow-duplicates --dry-run --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'worker') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'worker ls') echo '--control-exchange --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'worker inspect') echo '--longer-than --control-exchange --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'worker pause') echo '--worker --control-exchange --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'worker resume') echo '--worker --control-exchange --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'task') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'task revoke') echo '--terminate --signal --backup --mutex-wait --dry-run --yes --control-exchange --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'task send') echo '--args --kwargs --queue --countdown --eta --priority --celery --id --declare --dry-run --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'ticket') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'ticket stuck') echo '--since --workflow --tenant --control-exchange --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'ticket trace') echo '--control-exchange --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'ticket retry') echo '--username --dry-run --yes --control-exchange --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'lock') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'lock acquire') echo '--ttl --wait --token --allow-long-ttl --prefix -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'lock release') echo '--token --force --expect-token --dry-run --yes --prefix -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'lock extend') echo '--token --ttl --replace --allow-long-ttl --prefix -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'lock show') echo '--prefix -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'lock list') echo '--match -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'lock run') echo '--ttl --wait --conflict-exit-code --busy-ok --on-lost --kill-after --max-runtime --record-command --allow-long-ttl --prefix -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'config') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'config show') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'top') echo '--interval --read-only --hung-after --backup-dir --control-exchange --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'doctor') echo '--prime-by --max-task-runtime --max-ready --max-oldest --max-unacked-age --queue-max-ready --queue-max-oldest --queue-max-unacked-age --not-draining-after --skip --key-prefix --sep --priority-steps --visibility-timeout --control-exchange --ticket-table --id-column --serial-column --created-column --deleted-column --db-timestamps --zone -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'metrics') echo '--format --textfile --listen --cache --no-state --no-workers --exact-limit --read-budget --max-tasks --lock-match --max-locks --control-exchange --key-prefix --sep --priority-steps --visibility-timeout -V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
    'completion') echo '-V --version --redis-url --broker-url --database-url --sentinel-master --sentinel-password --tls-ca --tls-cert --tls-key --config --profile --tz --loonflow-settings --loonflow-version --timeout -o --output --json --no-color -q --quiet -v --verbose' ;;
  esac
}

# "<command path>|<option>" -> flag | none | file | date | choices:... | dynamic:...
_loonctl_option_value() {
  case "$1|$2" in
    'serial next|--count') echo 'none' ;;
    'serial next|--date') echo 'date' ;;
    'serial next|--init-from') echo 'none' ;;
    'serial next|--prefix') echo 'none' ;;
    'serial next|--zone') echo 'none' ;;
    'serial next|--ticket-table') echo 'none' ;;
    'serial next|--id-column') echo 'none' ;;
    'serial next|--serial-column') echo 'none' ;;
    'serial next|--created-column') echo 'none' ;;
    'serial next|--deleted-column') echo 'none' ;;
    'serial next|--db-timestamps') echo 'choices:naive utc' ;;
    'serial show|--date') echo 'date' ;;
    'serial show|--from') echo 'date' ;;
    'serial show|--to') echo 'date' ;;
    'serial show|--days') echo 'none' ;;
    'serial show|--prefix') echo 'none' ;;
    'serial show|--zone') echo 'none' ;;
    'serial show|--ticket-table') echo 'none' ;;
    'serial show|--id-column') echo 'none' ;;
    'serial show|--serial-column') echo 'none' ;;
    'serial show|--created-column') echo 'none' ;;
    'serial show|--deleted-column') echo 'none' ;;
    'serial show|--db-timestamps') echo 'choices:naive utc' ;;
    'serial reseed|--strategy') echo 'choices:safe count max-serial' ;;
    'serial reseed|--allow-lower') echo 'flag' ;;
    'serial reseed|--skip-invalid') echo 'flag' ;;
    'serial reseed|--replace-invalid') echo 'flag' ;;
    'serial reseed|--dry-run') echo 'flag' ;;
    'serial reseed|--yes') echo 'flag' ;;
    'serial reseed|--date') echo 'date' ;;
    'serial reseed|--from') echo 'date' ;;
    'serial reseed|--to') echo 'date' ;;
    'serial reseed|--zone') echo 'none' ;;
    'serial reseed|--ticket-table') echo 'none' ;;
    'serial reseed|--id-column') echo 'none' ;;
    'serial reseed|--serial-column') echo 'none' ;;
    'serial reseed|--created-column') echo 'none' ;;
    'serial reseed|--deleted-column') echo 'none' ;;
    'serial reseed|--db-timestamps') echo 'choices:naive utc' ;;
    'serial prime|--days') echo 'none' ;;
    'serial prime|--dry-run') echo 'flag' ;;
    'serial prime|--zone') echo 'none' ;;
    'serial prime|--ticket-table') echo 'none' ;;
    'serial prime|--id-column') echo 'none' ;;
    'serial prime|--serial-column') echo 'none' ;;
    'serial prime|--created-column') echo 'none' ;;
    'serial prime|--deleted-column') echo 'none' ;;
    'serial prime|--db-timestamps') echo 'choices:naive utc' ;;
    'serial audit|--date') echo 'date' ;;
    'serial audit|--from') echo 'date' ;;
    'serial audit|--to') echo 'date' ;;
    'serial audit|--prefix') echo 'none' ;;
    'serial audit|--zone') echo 'none' ;;
    'serial audit|--ticket-table') echo 'none' ;;
    'serial audit|--id-column') echo 'none' ;;
    'serial audit|--serial-column') echo 'none' ;;
    'serial audit|--created-column') echo 'none' ;;
    'serial audit|--deleted-column') echo 'none' ;;
    'serial audit|--db-timestamps') echo 'choices:naive utc' ;;
    'serial parse|--prefix') echo 'none' ;;
    'queue list|--all') echo 'flag' ;;
    'queue list|--no-workers') echo 'flag' ;;
    'queue list|--watch') echo 'none' ;;
    'queue list|--control-exchange') echo 'none' ;;
    'queue list|--key-prefix') echo 'none' ;;
    'queue list|--sep') echo 'none' ;;
    'queue list|--priority-steps') echo 'none' ;;
    'queue list|--visibility-timeout') echo 'none' ;;
    'queue peek|--limit') echo 'none' ;;
    'queue peek|--offset') echo 'none' ;;
    'queue peek|--unacked') echo 'flag' ;;
    'queue peek|--raw') echo 'flag' ;;
    'queue peek|--task') echo 'none' ;;
    'queue peek|--id') echo 'none' ;;
    'queue peek|--grep') echo 'none' ;;
    'queue peek|--priority') echo 'none' ;;
    'queue peek|--tenant') echo 'none' ;;
    'queue peek|--eta-before') echo 'none' ;;
    'queue peek|--eta-after') echo 'none' ;;
    'queue peek|--key-prefix') echo 'none' ;;
    'queue peek|--sep') echo 'none' ;;
    'queue peek|--priority-steps') echo 'none' ;;
    'queue peek|--visibility-timeout') echo 'none' ;;
    'queue show|--key-prefix') echo 'none' ;;
    'queue show|--sep') echo 'none' ;;
    'queue show|--priority-steps') echo 'none' ;;
    'queue show|--visibility-timeout') echo 'none' ;;
    'queue stats|--watch') echo 'none' ;;
    'queue stats|--exact') echo 'flag' ;;
    'queue stats|--key-prefix') echo 'none' ;;
    'queue stats|--sep') echo 'none' ;;
    'queue stats|--priority-steps') echo 'none' ;;
    'queue stats|--visibility-timeout') echo 'none' ;;
    'queue export|-f') echo 'file' ;;
    'queue export|--file') echo 'file' ;;
    'queue export|--force') echo 'flag' ;;
    'queue export|--unacked') echo 'flag' ;;
    'queue export|--limit') echo 'none' ;;
    'queue export|--no-summary') echo 'flag' ;;
    'queue export|--task') echo 'none' ;;
    'queue export|--id') echo 'none' ;;
    'queue export|--grep') echo 'none' ;;
    'queue export|--priority') echo 'none' ;;
    'queue export|--tenant') echo 'none' ;;
    'queue export|--eta-before') echo 'none' ;;
    'queue export|--eta-after') echo 'none' ;;
    'queue export|--key-prefix') echo 'none' ;;
    'queue export|--sep') echo 'none' ;;
    'queue export|--priority-steps') echo 'none' ;;
    'queue export|--visibility-timeout') echo 'none' ;;
    'queue requeue|--unacked') echo 'flag' ;;
    'queue requeue|--queue') echo 'dynamic:queues' ;;
    'queue requeue|--older-than') echo 'none' ;;
    'queue requeue|--all-ages') echo 'flag' ;;
    'queue requeue|--include-eta') echo 'flag' ;;
    'queue requeue|--keep-bytes') echo 'flag' ;;
    'queue requeue|--mutex-wait') echo 'none' ;;
    'queue requeue|--dry-run') echo 'flag' ;;
    'queue requeue|--yes') echo 'flag' ;;
    'queue requeue|--task') echo 'none' ;;
    'queue requeue|--id') echo 'none' ;;
    'queue requeue|--grep') echo 'none' ;;
    'queue requeue|--priority') echo 'none' ;;
    'queue requeue|--tenant') echo 'none' ;;
    'queue requeue|--control-exchange') echo 'none' ;;
    'queue requeue|--key-prefix') echo 'none' ;;
    'queue requeue|--sep') echo 'none' ;;
    'queue requeue|--priority-steps') echo 'none' ;;
    'queue requeue|--visibility-timeout') echo 'none' ;;
    'queue move|--limit') echo 'none' ;;
    'queue move|--keep-routing') echo 'flag' ;;
    'queue move|--dry-run') echo 'flag' ;;
    'queue move|--yes') echo 'flag' ;;
    'queue move|--task') echo 'none' ;;
    'queue move|--id') echo 'none' ;;
    'queue move|--grep') echo 'none' ;;
    'queue move|--priority') echo 'none' ;;
    'queue move|--tenant') echo 'none' ;;
    'queue move|--eta-before') echo 'none' ;;
    'queue move|--eta-after') echo 'none' ;;
    'queue move|--key-prefix') echo 'none' ;;
    'queue move|--sep') echo 'none' ;;
    'queue move|--priority-steps') echo 'none' ;;
    'queue move|--visibility-timeout') echo 'none' ;;
    'queue purge|--unacked') echo 'flag' ;;
    'queue purge|--backup') echo 'file' ;;
    'queue purge|--append') echo 'flag' ;;
    'queue purge|--mutex-wait') echo 'none' ;;
    'queue purge|--limit') echo 'none' ;;
    'queue purge|--dry-run') echo 'flag' ;;
    'queue purge|--yes') echo 'flag' ;;
    'queue purge|--task') echo 'none' ;;
    'queue purge|--id') echo 'none' ;;
    'queue purge|--grep') echo 'none' ;;
    'queue purge|--priority') echo 'none' ;;
    'queue purge|--tenant') echo 'none' ;;
    'queue purge|--eta-before') echo 'none' ;;
    'queue purge|--eta-after') echo 'none' ;;
    'queue purge|--key-prefix') echo 'none' ;;
    'queue purge|--sep') echo 'none' ;;
    'queue purge|--priority-steps') echo 'none' ;;
    'queue purge|--visibility-timeout') echo 'none' ;;
    'queue import|--to') echo 'dynamic:queues' ;;
    'queue import|--allow-duplicates') echo 'flag' ;;
    'queue import|--dry-run') echo 'flag' ;;
    'queue import|--key-prefix') echo 'none' ;;
    'queue import|--sep') echo 'none' ;;
    'queue import|--priority-steps') echo 'none' ;;
    'queue import|--visibility-timeout') echo 'none' ;;
    'worker ls|--control-exchange') echo 'none' ;;
    'worker ls|--key-prefix') echo 'none' ;;
    'worker ls|--sep') echo 'none' ;;
    'worker ls|--priority-steps') echo 'none' ;;
    'worker ls|--visibility-timeout') echo 'none' ;;
    'worker inspect|--longer-than') echo 'none' ;;
    'worker inspect|--control-exchange') echo 'none' ;;
    'worker inspect|--key-prefix') echo 'none' ;;
    'worker inspect|--sep') echo 'none' ;;
    'worker inspect|--priority-steps') echo 'none' ;;
    'worker inspect|--visibility-timeout') echo 'none' ;;
    'worker pause|--worker') echo 'dynamic:workers' ;;
    'worker pause|--control-exchange') echo 'none' ;;
    'worker pause|--key-prefix') echo 'none' ;;
    'worker pause|--sep') echo 'none' ;;
    'worker pause|--priority-steps') echo 'none' ;;
    'worker pause|--visibility-timeout') echo 'none' ;;
    'worker resume|--worker') echo 'dynamic:workers' ;;
    'worker resume|--control-exchange') echo 'none' ;;
    'worker resume|--key-prefix') echo 'none' ;;
    'worker resume|--sep') echo 'none' ;;
    'worker resume|--priority-steps') echo 'none' ;;
    'worker resume|--visibility-timeout') echo 'none' ;;
    'task revoke|--terminate') echo 'flag' ;;
    'task revoke|--signal') echo 'none' ;;
    'task revoke|--backup') echo 'file' ;;
    'task revoke|--mutex-wait') echo 'none' ;;
    'task revoke|--dry-run') echo 'flag' ;;
    'task revoke|--yes') echo 'flag' ;;
    'task revoke|--control-exchange') echo 'none' ;;
    'task revoke|--key-prefix') echo 'none' ;;
    'task revoke|--sep') echo 'none' ;;
    'task revoke|--priority-steps') echo 'none' ;;
    'task revoke|--visibility-timeout') echo 'none' ;;
    'task send|--args') echo 'none' ;;
    'task send|--kwargs') echo 'none' ;;
    'task send|--queue') echo 'dynamic:queues' ;;
    'task send|--countdown') echo 'none' ;;
    'task send|--eta') echo 'none' ;;
    'task send|--priority') echo 'none' ;;
    'task send|--celery') echo 'choices:4.1 5.2 5.5' ;;
    'task send|--id') echo 'none' ;;
    'task send|--declare') echo 'flag' ;;
    'task send|--dry-run') echo 'flag' ;;
    'task send|--key-prefix') echo 'none' ;;
    'task send|--sep') echo 'none' ;;
    'task send|--priority-steps') echo 'none' ;;
    'task send|--visibility-timeout') echo 'none' ;;
    'ticket stuck|--since') echo 'none' ;;
    'ticket stuck|--workflow') echo 'none' ;;
    'ticket stuck|--tenant') echo 'none' ;;
    'ticket stuck|--control-exchange') echo 'none' ;;
    'ticket stuck|--key-prefix') echo 'none' ;;
    'ticket stuck|--sep') echo 'none' ;;
    'ticket stuck|--priority-steps') echo 'none' ;;
    'ticket stuck|--visibility-timeout') echo 'none' ;;
    'ticket trace|--control-exchange') echo 'none' ;;
    'ticket trace|--key-prefix') echo 'none' ;;
    'ticket trace|--sep') echo 'none' ;;
    'ticket trace|--priority-steps') echo 'none' ;;
    'ticket trace|--visibility-timeout') echo 'none' ;;
    'ticket retry|--username') echo 'none' ;;
    'ticket retry|--dry-run') echo 'flag' ;;
    'ticket retry|--yes') echo 'flag' ;;
    'ticket retry|--control-exchange') echo 'none' ;;
    'ticket retry|--key-prefix') echo 'none' ;;
    'ticket retry|--sep') echo 'none' ;;
    'ticket retry|--priority-steps') echo 'none' ;;
    'ticket retry|--visibility-timeout') echo 'none' ;;
    'lock acquire|--ttl') echo 'none' ;;
    'lock acquire|--wait') echo 'none' ;;
    'lock acquire|--token') echo 'none' ;;
    'lock acquire|--allow-long-ttl') echo 'flag' ;;
    'lock acquire|--prefix') echo 'none' ;;
    'lock release|--token') echo 'none' ;;
    'lock release|--force') echo 'flag' ;;
    'lock release|--expect-token') echo 'none' ;;
    'lock release|--dry-run') echo 'flag' ;;
    'lock release|--yes') echo 'flag' ;;
    'lock release|--prefix') echo 'none' ;;
    'lock extend|--token') echo 'none' ;;
    'lock extend|--ttl') echo 'none' ;;
    'lock extend|--replace') echo 'flag' ;;
    'lock extend|--allow-long-ttl') echo 'flag' ;;
    'lock extend|--prefix') echo 'none' ;;
    'lock show|--prefix') echo 'none' ;;
    'lock list|--match') echo 'none' ;;
    'lock run|--ttl') echo 'none' ;;
    'lock run|--wait') echo 'none' ;;
    'lock run|--conflict-exit-code') echo 'none' ;;
    'lock run|--busy-ok') echo 'flag' ;;
    'lock run|--on-lost') echo 'choices:term kill ignore' ;;
    'lock run|--kill-after') echo 'none' ;;
    'lock run|--max-runtime') echo 'none' ;;
    'lock run|--record-command') echo 'flag' ;;
    'lock run|--allow-long-ttl') echo 'flag' ;;
    'lock run|--prefix') echo 'none' ;;
    'top|--interval') echo 'none' ;;
    'top|--read-only') echo 'flag' ;;
    'top|--hung-after') echo 'none' ;;
    'top|--backup-dir') echo 'file' ;;
    'top|--control-exchange') echo 'none' ;;
    'top|--key-prefix') echo 'none' ;;
    'top|--sep') echo 'none' ;;
    'top|--priority-steps') echo 'none' ;;
    'top|--visibility-timeout') echo 'none' ;;
    'doctor|--prime-by') echo 'none' ;;
    'doctor|--max-task-runtime') echo 'none' ;;
    'doctor|--max-ready') echo 'none' ;;
    'doctor|--max-oldest') echo 'none' ;;
    'doctor|--max-unacked-age') echo 'none' ;;
    'doctor|--queue-max-ready') echo 'none' ;;
    'doctor|--queue-max-oldest') echo 'none' ;;
    'doctor|--queue-max-unacked-age') echo 'none' ;;
    'doctor|--not-draining-after') echo 'none' ;;
    'doctor|--skip') echo 'choices:redis redis-version redis-role maxmemory-policy broker database database-version loonflow ticket-table serial-counter serial-primed celery-backlog queue-ready oldest-ready not-draining unacked-age eta-delay unacked-mutex queue-consumers long-running-tasks' ;;
    'doctor|--key-prefix') echo 'none' ;;
    'doctor|--sep') echo 'none' ;;
    'doctor|--priority-steps') echo 'none' ;;
    'doctor|--visibility-timeout') echo 'none' ;;
    'doctor|--control-exchange') echo 'none' ;;
    'doctor|--ticket-table') echo 'none' ;;
    'doctor|--id-column') echo 'none' ;;
    'doctor|--serial-column') echo 'none' ;;
    'doctor|--created-column') echo 'none' ;;
    'doctor|--deleted-column') echo 'none' ;;
    'doctor|--db-timestamps') echo 'choices:naive utc' ;;
    'doctor|--zone') echo 'none' ;;
    'metrics|--format') echo 'choices:prometheus openmetrics' ;;
    'metrics|--textfile') echo 'file' ;;
    'metrics|--listen') echo 'none' ;;
    'metrics|--cache') echo 'none' ;;
    'metrics|--no-state') echo 'flag' ;;
    'metrics|--no-workers') echo 'flag' ;;
    'metrics|--exact-limit') echo 'none' ;;
    'metrics|--read-budget') echo 'none' ;;
    'metrics|--max-tasks') echo 'none' ;;
    'metrics|--lock-match') echo 'none' ;;
    'metrics|--max-locks') echo 'none' ;;
    'metrics|--control-exchange') echo 'none' ;;
    'metrics|--key-prefix') echo 'none' ;;
    'metrics|--sep') echo 'none' ;;
    'metrics|--priority-steps') echo 'none' ;;
    'metrics|--visibility-timeout') echo 'none' ;;
    *'|-V') echo 'flag' ;;
    *'|--version') echo 'flag' ;;
    *'|--redis-url') echo 'none' ;;
    *'|--broker-url') echo 'none' ;;
    *'|--database-url') echo 'none' ;;
    *'|--sentinel-master') echo 'none' ;;
    *'|--sentinel-password') echo 'none' ;;
    *'|--tls-ca') echo 'file' ;;
    *'|--tls-cert') echo 'file' ;;
    *'|--tls-key') echo 'file' ;;
    *'|--config') echo 'file' ;;
    *'|--profile') echo 'dynamic:profiles' ;;
    *'|--tz') echo 'none' ;;
    *'|--loonflow-settings') echo 'file' ;;
    *'|--loonflow-version') echo 'none' ;;
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
    'serial parse|'*) echo 'none' ;;
    'queue peek|0') echo 'dynamic:queues' ;;
    'queue show|0') echo 'none' ;;
    'queue stats|0') echo 'dynamic:queues' ;;
    'queue export|0') echo 'dynamic:queues' ;;
    'queue requeue|'*) echo 'none' ;;
    'queue move|0') echo 'dynamic:queues' ;;
    'queue move|1') echo 'dynamic:queues' ;;
    'queue purge|0') echo 'dynamic:queues' ;;
    'queue import|0') echo 'file' ;;
    'worker inspect|'*) echo 'dynamic:workers' ;;
    'worker pause|0') echo 'dynamic:queues' ;;
    'worker resume|0') echo 'dynamic:queues' ;;
    'task revoke|'*) echo 'none' ;;
    'task send|0') echo 'none' ;;
    'ticket trace|0') echo 'none' ;;
    'ticket retry|'*) echo 'none' ;;
    'lock acquire|0') echo 'dynamic:locks' ;;
    'lock release|0') echo 'dynamic:locks' ;;
    'lock extend|0') echo 'dynamic:locks' ;;
    'lock show|0') echo 'dynamic:locks' ;;
    'lock run|0') echo 'dynamic:locks' ;;
    'lock run|'*) echo 'none' ;;
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
      COMPREPLY=($("${_loonctl_bin:-loonctl}" __complete "${kind#dynamic:}" "$cur" \
        "${_loonctl_conn[@]}" 2>/dev/null)) ;;
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
