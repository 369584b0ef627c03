# fish completion for loonctl. Generated from the command tree by `npm run completions`; do not edit.
# Install: loonctl completion fish > ~/.config/fish/completions/loonctl.fish

set -g __loonctl_value_options --broker-url --config --database-url --output --profile --redis-url --sentinel-master --timeout --tz -o
set -g __loonctl_connection_options --redis-url --broker-url --config --profile --sentinel-master --key-prefix

function __loonctl_subcommands
    switch "$argv[1]"
        case ''
            printf '%s\n' 'serial' 'queue' 'lock' 'doctor' 'config' 'completion'
        case 'config'
            printf '%s\n' 'show'
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
complete -c loonctl -n '__loonctl_at \'\'' -f -a 'serial' -d 'serial commands (being built)'
complete -c loonctl -n '__loonctl_at \'\'' -f -a 'queue' -d 'Celery queues in Redis: list, peek, show, stats, export; requeue, move, purge, import'
complete -c loonctl -n '__loonctl_at \'\'' -f -a 'lock' -d 'lock commands (being built)'
complete -c loonctl -n '__loonctl_at \'\'' -f -a 'doctor' -d 'check Redis, the Celery broker, the database, the ticket table, today\'s serial counter and the Celery backlog; exit 1 if any check fails'
complete -c loonctl -n '__loonctl_at \'\'' -f -a 'config' -d 'show the effective configuration'
complete -c loonctl -n '__loonctl_at \'\'' -f -a 'completion' -d 'print the shell completion script for bash, zsh or fish'
complete -c loonctl -n '__loonctl_at \'config\'' -f -a 'show' -d 'every effective setting with its source (flag, env var, file, default); passwords masked'
complete -c loonctl -n '__loonctl_at \'completion\'; and __loonctl_npos -eq 0' -x -a 'bash zsh fish'
complete -c loonctl -s V -l version -d 'print the version'
complete -c loonctl -l redis-url -x -d 'Redis for serial counters and locks (LOONCTL_REDIS_URL)'
complete -c loonctl -l broker-url -x -d 'Celery\'s broker Redis (LOONCTL_BROKER_URL, CELERY_BROKER_URL)'
complete -c loonctl -l database-url -x -d 'postgres:// or mysql:// URL of the LoonFlow database (LOONCTL_DATABASE_URL)'
complete -c loonctl -l sentinel-master -x -d 'master name for sentinel:// URLs'
complete -c loonctl -l config -r -F -d 'JSON config file with profiles (LOONCTL_CONFIG)'
complete -c loonctl -l profile -x -a '(__loonctl_dynamic profiles)' -d 'profile from the config file (LOONCTL_PROFILE)'
complete -c loonctl -l tz -x -d 'LoonFlow\'s time zone (default Asia/Shanghai)'
complete -c loonctl -l timeout -x -d 'connect timeout (default 5s)'
complete -c loonctl -s o -l output -x -a 'table wide json jsonl plain' -d 'output format'
complete -c loonctl -l json -d 'same as -o json'
complete -c loonctl -l no-color -d 'no colour (also NO_COLOR)'
complete -c loonctl -s q -l quiet -d 'print only data and errors'
complete -c loonctl -s v -l verbose -d 'more detail; stack traces on internal errors'
