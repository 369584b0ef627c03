# fish completion for loonctl. Generated from the command tree by `npm run completions`; do not edit.
# Install: loonctl completion fish > ~/.config/fish/completions/loonctl.fish

set -g __loonctl_value_options --backup --broker-url --config --conflict-exit-code --count --created-column --database-url --date --days --db-timestamps --deleted-column --eta-after --eta-before --expect-token --file --from --grep --id --id-column --init-from --key-prefix --kill-after --limit --loonflow-version --match --offset --older-than --on-lost --output --prefix --priority --priority-steps --profile --queue --redis-url --sentinel-master --sep --serial-column --strategy --task --ticket-table --timeout --to --token --ttl --tz --visibility-timeout --wait --watch --zone -f -o
set -g __loonctl_connection_options --redis-url --broker-url --config --profile --sentinel-master --key-prefix

function __loonctl_subcommands
    switch "$argv[1]"
        case ''
            printf '%s\n' 'serial' 'queue' 'lock' 'config' 'doctor' 'completion'
        case 'serial'
            printf '%s\n' 'next' 'show' 'reseed' 'audit' 'parse'
        case 'queue'
            printf '%s\n' 'list' 'peek' 'show' 'stats' 'export' 'requeue' 'move' 'purge' 'import'
        case 'lock'
            printf '%s\n' 'acquire' 'release' 'extend' 'show' 'list' 'run'
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
complete -c loonctl -n '__loonctl_at \'\'' -f -a 'serial' -d 'LoonFlow ticket serials: reserve race-free, inspect counters, reseed from the database, audit'
complete -c loonctl -n '__loonctl_at \'\'' -f -a 'queue' -d 'Celery queues in Redis: list, peek, show, stats, export; requeue, move, purge, import'
complete -c loonctl -n '__loonctl_at \'\'' -f -a 'lock' -d 'Redis locks that interoperate with redis-py Lock: acquire, release, extend, show, list, run a command under a lock'
complete -c loonctl -n '__loonctl_at \'\'' -f -a 'config' -d 'show the effective configuration'
complete -c loonctl -n '__loonctl_at \'\'' -f -a 'doctor' -d 'check Redis, the Celery broker, the database, the ticket table, today\'s serial counter and the Celery backlog; exit 1 if any check fails'
complete -c loonctl -n '__loonctl_at \'\'' -f -a 'completion' -d 'print the shell completion script for bash, zsh or fish'
complete -c loonctl -n '__loonctl_at \'serial\'' -f -a 'next' -d 'reserve serials for a day, exactly as LoonFlow formats them, without ever repeating one'
complete -c loonctl -n '__loonctl_at \'serial\'' -f -a 'show' -d 'day counters against the database: value, TTL, rows, highest sequence, next serial, status'
complete -c loonctl -n '__loonctl_at \'serial\'' -f -a 'reseed' -d 'set day counters from the database; never lowers one unless --allow-lower; safe to run from cron'
complete -c loonctl -n '__loonctl_at \'serial\'' -f -a 'audit' -d 'duplicate serials (with ticket ids), gaps, malformed serials, counters behind; exit 1 on duplicates or a counter behind'
complete -c loonctl -n '__loonctl_at \'serial\'' -f -a 'parse' -d 'split serials into prefix, zone, date and sequence; exit 65 if one is not a serial'
complete -c loonctl -n '__loonctl_at \'serial next\'' -l count -x -d 'how many serials to reserve (one round trip)'
complete -c loonctl -n '__loonctl_at \'serial next\'' -l date -x -a 'today yesterday (date +%F)' -d 'one day: YYYY-MM-DD, today or yesterday (default today)'
complete -c loonctl -n '__loonctl_at \'serial next\'' -l init-from -x -d 'where to start when the day\'s counter is absent and the database is unreachable'
complete -c loonctl -n '__loonctl_at \'serial next\'' -l prefix -x -d 'serial prefix (an application\'s ticket_sn_prefix; default loonflow)'
complete -c loonctl -n '__loonctl_at \'serial next\'' -l zone -x -d 'LoonFlow\'s DEPLOY_ZONE, in serials'
complete -c loonctl -n '__loonctl_at \'serial next\'' -l ticket-table -x -d 'ticket table (default ticket_ticketrecord)'
complete -c loonctl -n '__loonctl_at \'serial next\'' -l id-column -x -d 'ticket id column (default id)'
complete -c loonctl -n '__loonctl_at \'serial next\'' -l serial-column -x -d 'serial column (default sn)'
complete -c loonctl -n '__loonctl_at \'serial next\'' -l created-column -x -d 'creation time column (default gmt_created)'
complete -c loonctl -n '__loonctl_at \'serial next\'' -l deleted-column -x -d 'soft-delete column, \'\' for none (default is_deleted)'
complete -c loonctl -n '__loonctl_at \'serial next\'' -l db-timestamps -x -a 'naive utc' -d 'created column holds local (naive) or UTC wall-clock time'
complete -c loonctl -n '__loonctl_at \'serial show\'' -l date -x -a 'today yesterday (date +%F)' -d 'one day: YYYY-MM-DD, today or yesterday (default today)'
complete -c loonctl -n '__loonctl_at \'serial show\'' -l from -x -a 'today yesterday (date +%F)' -d 'first day of a range'
complete -c loonctl -n '__loonctl_at \'serial show\'' -l to -x -a 'today yesterday (date +%F)' -d 'last day of a range'
complete -c loonctl -n '__loonctl_at \'serial show\'' -l days -x -d 'the last N days, today included'
complete -c loonctl -n '__loonctl_at \'serial show\'' -l prefix -x -d 'serial prefix (an application\'s ticket_sn_prefix; default loonflow)'
complete -c loonctl -n '__loonctl_at \'serial show\'' -l zone -x -d 'LoonFlow\'s DEPLOY_ZONE, in serials'
complete -c loonctl -n '__loonctl_at \'serial show\'' -l ticket-table -x -d 'ticket table (default ticket_ticketrecord)'
complete -c loonctl -n '__loonctl_at \'serial show\'' -l id-column -x -d 'ticket id column (default id)'
complete -c loonctl -n '__loonctl_at \'serial show\'' -l serial-column -x -d 'serial column (default sn)'
complete -c loonctl -n '__loonctl_at \'serial show\'' -l created-column -x -d 'creation time column (default gmt_created)'
complete -c loonctl -n '__loonctl_at \'serial show\'' -l deleted-column -x -d 'soft-delete column, \'\' for none (default is_deleted)'
complete -c loonctl -n '__loonctl_at \'serial show\'' -l db-timestamps -x -a 'naive utc' -d 'created column holds local (naive) or UTC wall-clock time'
complete -c loonctl -n '__loonctl_at \'serial reseed\'' -l strategy -x -a 'safe count max-serial' -d 'safe = max(rows, highest sequence); count = rows; max-serial = highest sequence'
complete -c loonctl -n '__loonctl_at \'serial reseed\'' -l allow-lower -d 'lower a counter that is above the target (serials may repeat)'
complete -c loonctl -n '__loonctl_at \'serial reseed\'' -l dry-run -d 'show what would change, change nothing'
complete -c loonctl -n '__loonctl_at \'serial reseed\'' -l yes -d 'do not ask (needed off a terminal)'
complete -c loonctl -n '__loonctl_at \'serial reseed\'' -l date -x -a 'today yesterday (date +%F)' -d 'one day: YYYY-MM-DD, today or yesterday (default today)'
complete -c loonctl -n '__loonctl_at \'serial reseed\'' -l from -x -a 'today yesterday (date +%F)' -d 'first day of a range'
complete -c loonctl -n '__loonctl_at \'serial reseed\'' -l to -x -a 'today yesterday (date +%F)' -d 'last day of a range'
complete -c loonctl -n '__loonctl_at \'serial reseed\'' -l ticket-table -x -d 'ticket table (default ticket_ticketrecord)'
complete -c loonctl -n '__loonctl_at \'serial reseed\'' -l id-column -x -d 'ticket id column (default id)'
complete -c loonctl -n '__loonctl_at \'serial reseed\'' -l serial-column -x -d 'serial column (default sn)'
complete -c loonctl -n '__loonctl_at \'serial reseed\'' -l created-column -x -d 'creation time column (default gmt_created)'
complete -c loonctl -n '__loonctl_at \'serial reseed\'' -l deleted-column -x -d 'soft-delete column, \'\' for none (default is_deleted)'
complete -c loonctl -n '__loonctl_at \'serial reseed\'' -l db-timestamps -x -a 'naive utc' -d 'created column holds local (naive) or UTC wall-clock time'
complete -c loonctl -n '__loonctl_at \'serial audit\'' -l date -x -a 'today yesterday (date +%F)' -d 'one day: YYYY-MM-DD, today or yesterday (default today)'
complete -c loonctl -n '__loonctl_at \'serial audit\'' -l from -x -a 'today yesterday (date +%F)' -d 'first day of a range'
complete -c loonctl -n '__loonctl_at \'serial audit\'' -l to -x -a 'today yesterday (date +%F)' -d 'last day of a range'
complete -c loonctl -n '__loonctl_at \'serial audit\'' -l prefix -x -d 'serial prefix (an application\'s ticket_sn_prefix; default loonflow)'
complete -c loonctl -n '__loonctl_at \'serial audit\'' -l zone -x -d 'LoonFlow\'s DEPLOY_ZONE, in serials'
complete -c loonctl -n '__loonctl_at \'serial audit\'' -l ticket-table -x -d 'ticket table (default ticket_ticketrecord)'
complete -c loonctl -n '__loonctl_at \'serial audit\'' -l id-column -x -d 'ticket id column (default id)'
complete -c loonctl -n '__loonctl_at \'serial audit\'' -l serial-column -x -d 'serial column (default sn)'
complete -c loonctl -n '__loonctl_at \'serial audit\'' -l created-column -x -d 'creation time column (default gmt_created)'
complete -c loonctl -n '__loonctl_at \'serial audit\'' -l deleted-column -x -d 'soft-delete column, \'\' for none (default is_deleted)'
complete -c loonctl -n '__loonctl_at \'serial audit\'' -l db-timestamps -x -a 'naive utc' -d 'created column holds local (naive) or UTC wall-clock time'
complete -c loonctl -n '__loonctl_at \'serial parse\'' -l prefix -x -d 'the expected prefix, when it contains _'
complete -c loonctl -n '__loonctl_at \'queue\'' -f -a 'list' -d 'every queue: ready messages per priority bucket, unacked, age of the oldest unacked'
complete -c loonctl -n '__loonctl_at \'queue\'' -f -a 'peek' -d 'messages in the order workers take them, decoded, without consuming them'
complete -c loonctl -n '__loonctl_at \'queue\'' -f -a 'show' -d 'find a task by id in any queue or in unacked and print all of it'
complete -c loonctl -n '__loonctl_at \'queue\'' -f -a 'stats' -d 'counts by task and priority, ETA due vs future, unacked by age'
complete -c loonctl -n '__loonctl_at \'queue\'' -f -a 'export' -d 'JSON lines, one per message: the exact stored bytes (base64), where each was, and a decoded summary'
complete -c loonctl -n '__loonctl_at \'queue\'' -f -a 'requeue' -d 'put unacked messages back on their queue as kombu\'s restore does (atomically, under unacked_mutex, into their priority bucket, to run next)'
complete -c loonctl -n '__loonctl_at \'queue\'' -f -a 'move' -d 'move matching messages to another queue, keeping bucket and order; rewrites delivery_info.routing_key unless --keep-routing'
complete -c loonctl -n '__loonctl_at \'queue\'' -f -a 'purge' -d 'delete only the matching messages (ready, or --unacked entries); --backup writes and flushes them to a file first'
complete -c loonctl -n '__loonctl_at \'queue\'' -f -a 'import' -d 'push back what export or purge --backup wrote, byte for byte, to its queue and bucket'
complete -c loonctl -n '__loonctl_at \'queue list\'' -l all -d 'include internal queues (pidbox, celeryev)'
complete -c loonctl -n '__loonctl_at \'queue list\'' -l key-prefix -x -d 'kombu\'s global_keyprefix'
complete -c loonctl -n '__loonctl_at \'queue list\'' -l sep -x -d 'separator between queue name and priority step (default \\x06\\x16)'
complete -c loonctl -n '__loonctl_at \'queue list\'' -l priority-steps -x -d 'priority steps (default 0,3,6,9)'
complete -c loonctl -n '__loonctl_at \'queue list\'' -l visibility-timeout -x -d 'kombu\'s visibility_timeout (default 3600s)'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l limit -x -d 'at most this many'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l offset -x -d 'skip this many (matches, with filters)'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l unacked -d 'this queue\'s entries in unacked, with their age'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l raw -d 'print the stored bytes, one message per line'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l task -x -d 'task name glob, e.g. "tasks.flow_*"'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l id -x -d 'task id'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l grep -x -d 'text anywhere in the message or its arguments'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l priority -x -d 'message priority'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l eta-before -x -d 'ETA before this ISO time'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l eta-after -x -d 'ETA after this ISO time'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l key-prefix -x -d 'kombu\'s global_keyprefix'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l sep -x -d 'separator between queue name and priority step (default \\x06\\x16)'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l priority-steps -x -d 'priority steps (default 0,3,6,9)'
complete -c loonctl -n '__loonctl_at \'queue peek\'' -l visibility-timeout -x -d 'kombu\'s visibility_timeout (default 3600s)'
complete -c loonctl -n '__loonctl_at \'queue peek\'; and __loonctl_npos -eq 0' -x -a '(__loonctl_dynamic queues)'
complete -c loonctl -n '__loonctl_at \'queue show\'' -l key-prefix -x -d 'kombu\'s global_keyprefix'
complete -c loonctl -n '__loonctl_at \'queue show\'' -l sep -x -d 'separator between queue name and priority step (default \\x06\\x16)'
complete -c loonctl -n '__loonctl_at \'queue show\'' -l priority-steps -x -d 'priority steps (default 0,3,6,9)'
complete -c loonctl -n '__loonctl_at \'queue show\'' -l visibility-timeout -x -d 'kombu\'s visibility_timeout (default 3600s)'
complete -c loonctl -n '__loonctl_at \'queue stats\'' -l watch -x -d 'refresh every N seconds (default 2); one JSON line per interval when not on a terminal'
complete -c loonctl -n '__loonctl_at \'queue stats\'' -l key-prefix -x -d 'kombu\'s global_keyprefix'
complete -c loonctl -n '__loonctl_at \'queue stats\'' -l sep -x -d 'separator between queue name and priority step (default \\x06\\x16)'
complete -c loonctl -n '__loonctl_at \'queue stats\'' -l priority-steps -x -d 'priority steps (default 0,3,6,9)'
complete -c loonctl -n '__loonctl_at \'queue stats\'' -l visibility-timeout -x -d 'kombu\'s visibility_timeout (default 3600s)'
complete -c loonctl -n '__loonctl_at \'queue stats\'; and __loonctl_npos -eq 0' -x -a '(__loonctl_dynamic queues)'
complete -c loonctl -n '__loonctl_at \'queue export\'' -s f -l file -r -F -d 'write here instead of stdout'
complete -c loonctl -n '__loonctl_at \'queue export\'' -l unacked -d 'export this queue\'s unacked entries instead of its ready messages'
complete -c loonctl -n '__loonctl_at \'queue export\'' -l limit -x -d 'at most this many'
complete -c loonctl -n '__loonctl_at \'queue export\'' -l no-summary -d 'leave out the decoded summary (no decoding: fastest; import needs only the bytes)'
complete -c loonctl -n '__loonctl_at \'queue export\'' -l task -x -d 'task name glob, e.g. "tasks.flow_*"'
complete -c loonctl -n '__loonctl_at \'queue export\'' -l id -x -d 'task id'
complete -c loonctl -n '__loonctl_at \'queue export\'' -l grep -x -d 'text anywhere in the message or its arguments'
complete -c loonctl -n '__loonctl_at \'queue export\'' -l priority -x -d 'message priority'
complete -c loonctl -n '__loonctl_at \'queue export\'' -l eta-before -x -d 'ETA before this ISO time'
complete -c loonctl -n '__loonctl_at \'queue export\'' -l eta-after -x -d 'ETA after this ISO time'
complete -c loonctl -n '__loonctl_at \'queue export\'' -l key-prefix -x -d 'kombu\'s global_keyprefix'
complete -c loonctl -n '__loonctl_at \'queue export\'' -l sep -x -d 'separator between queue name and priority step (default \\x06\\x16)'
complete -c loonctl -n '__loonctl_at \'queue export\'' -l priority-steps -x -d 'priority steps (default 0,3,6,9)'
complete -c loonctl -n '__loonctl_at \'queue export\'' -l visibility-timeout -x -d 'kombu\'s visibility_timeout (default 3600s)'
complete -c loonctl -n '__loonctl_at \'queue export\'; and __loonctl_npos -eq 0' -x -a '(__loonctl_dynamic queues)'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l unacked -d 'restore every matching unacked entry'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l queue -x -a '(__loonctl_dynamic queues)' -d 'only entries routed to this queue'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l older-than -x -d 'only entries a worker took at least this long ago (default: the visibility timeout)'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l all-ages -d 'any age, also entries a live worker may hold (needs --yes)'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l include-eta -d 'also ETA tasks whose ETA is still in the future'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l dry-run -d 'show what would change, change nothing'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l yes -d 'do not ask (needed off a terminal)'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l task -x -d 'task name glob, e.g. "tasks.flow_*"'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l id -x -d 'task id'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l grep -x -d 'text anywhere in the message or its arguments'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l priority -x -d 'message priority'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l key-prefix -x -d 'kombu\'s global_keyprefix'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l sep -x -d 'separator between queue name and priority step (default \\x06\\x16)'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l priority-steps -x -d 'priority steps (default 0,3,6,9)'
complete -c loonctl -n '__loonctl_at \'queue requeue\'' -l visibility-timeout -x -d 'kombu\'s visibility_timeout (default 3600s)'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l limit -x -d 'at most this many'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l keep-routing -d 'leave delivery_info.routing_key as it was'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l dry-run -d 'show what would change, change nothing'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l yes -d 'do not ask (needed off a terminal)'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l task -x -d 'task name glob, e.g. "tasks.flow_*"'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l id -x -d 'task id'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l grep -x -d 'text anywhere in the message or its arguments'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l priority -x -d 'message priority'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l eta-before -x -d 'ETA before this ISO time'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l eta-after -x -d 'ETA after this ISO time'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l key-prefix -x -d 'kombu\'s global_keyprefix'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l sep -x -d 'separator between queue name and priority step (default \\x06\\x16)'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l priority-steps -x -d 'priority steps (default 0,3,6,9)'
complete -c loonctl -n '__loonctl_at \'queue move\'' -l visibility-timeout -x -d 'kombu\'s visibility_timeout (default 3600s)'
complete -c loonctl -n '__loonctl_at \'queue move\'; and __loonctl_npos -eq 0' -x -a '(__loonctl_dynamic queues)'
complete -c loonctl -n '__loonctl_at \'queue move\'; and __loonctl_npos -eq 1' -x -a '(__loonctl_dynamic queues)'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l unacked -d 'purge this queue\'s unacked entries instead of ready messages'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l backup -r -F -d 'write the messages here (export format) before removing them; only those written are removed'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l limit -x -d 'at most this many'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l dry-run -d 'show what would change, change nothing'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l yes -d 'do not ask (needed off a terminal)'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l task -x -d 'task name glob, e.g. "tasks.flow_*"'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l id -x -d 'task id'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l grep -x -d 'text anywhere in the message or its arguments'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l priority -x -d 'message priority'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l eta-before -x -d 'ETA before this ISO time'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l eta-after -x -d 'ETA after this ISO time'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l key-prefix -x -d 'kombu\'s global_keyprefix'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l sep -x -d 'separator between queue name and priority step (default \\x06\\x16)'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l priority-steps -x -d 'priority steps (default 0,3,6,9)'
complete -c loonctl -n '__loonctl_at \'queue purge\'' -l visibility-timeout -x -d 'kombu\'s visibility_timeout (default 3600s)'
complete -c loonctl -n '__loonctl_at \'queue purge\'; and __loonctl_npos -eq 0' -x -a '(__loonctl_dynamic queues)'
complete -c loonctl -n '__loonctl_at \'queue import\'' -l to -x -a '(__loonctl_dynamic queues)' -d 'into this queue instead'
complete -c loonctl -n '__loonctl_at \'queue import\'' -l skip-existing -d 'skip messages whose delivery tag is already in the queue or unacked'
complete -c loonctl -n '__loonctl_at \'queue import\'' -l dry-run -d 'show what would change, change nothing'
complete -c loonctl -n '__loonctl_at \'queue import\'' -l key-prefix -x -d 'kombu\'s global_keyprefix'
complete -c loonctl -n '__loonctl_at \'queue import\'' -l sep -x -d 'separator between queue name and priority step (default \\x06\\x16)'
complete -c loonctl -n '__loonctl_at \'queue import\'' -l priority-steps -x -d 'priority steps (default 0,3,6,9)'
complete -c loonctl -n '__loonctl_at \'queue import\'' -l visibility-timeout -x -d 'kombu\'s visibility_timeout (default 3600s)'
complete -c loonctl -n '__loonctl_at \'queue import\'; and __loonctl_npos -eq 0' -r -F
complete -c loonctl -n '__loonctl_at \'lock\'' -f -a 'acquire' -d 'take a lock and print its token (busy: exit 75 naming the holder)'
complete -c loonctl -n '__loonctl_at \'lock\'' -f -a 'release' -d 'compare-and-delete with your token; --force deletes a stale lock whoever holds it'
complete -c loonctl -n '__loonctl_at \'lock\'' -f -a 'extend' -d 'redis-py\'s extend: add to the remaining TTL (or replace it with --replace); fails on a key without expiry'
complete -c loonctl -n '__loonctl_at \'lock\'' -f -a 'show' -d 'holder, TTL, fence and metadata of a lock'
complete -c loonctl -n '__loonctl_at \'lock\'' -f -a 'list' -d 'lock-like keys (SCAN): loonctl, redis-py, kombu unacked_mutex, celery-once qo_*, python-redis-lock lock:*, Django :1:*'
complete -c loonctl -n '__loonctl_at \'lock\'' -f -a 'run' -d 'hold a lock while a command runs: renewed every ttl/3; if lost, the command is stopped (exit 76)'
complete -c loonctl -n '__loonctl_at \'lock acquire\'' -l ttl -x -d 'expiry'
complete -c loonctl -n '__loonctl_at \'lock acquire\'' -l wait -x -d 'keep trying this long (default: one attempt)'
complete -c loonctl -n '__loonctl_at \'lock acquire\'' -l token -x -d 'use this token instead of a new one'
complete -c loonctl -n '__loonctl_at \'lock acquire\'' -l allow-long-ttl -d 'allow a TTL over 24h'
complete -c loonctl -n '__loonctl_at \'lock acquire\'' -l prefix -x -d 'prepended to the name (Django cache locks: \':1:\')'
complete -c loonctl -n '__loonctl_at \'lock acquire\'; and __loonctl_npos -eq 0' -x -a '(__loonctl_dynamic locks)'
complete -c loonctl -n '__loonctl_at \'lock release\'' -l token -x -d 'the token acquire printed'
complete -c loonctl -n '__loonctl_at \'lock release\'' -l force -d 'delete the lock whatever its token (asks first)'
complete -c loonctl -n '__loonctl_at \'lock release\'' -l expect-token -x -d 'with --force: only if it still holds this token'
complete -c loonctl -n '__loonctl_at \'lock release\'' -l dry-run -d 'show what would change, change nothing'
complete -c loonctl -n '__loonctl_at \'lock release\'' -l yes -d 'do not ask (needed off a terminal)'
complete -c loonctl -n '__loonctl_at \'lock release\'' -l prefix -x -d 'prepended to the name (Django cache locks: \':1:\')'
complete -c loonctl -n '__loonctl_at \'lock release\'; and __loonctl_npos -eq 0' -x -a '(__loonctl_dynamic locks)'
complete -c loonctl -n '__loonctl_at \'lock extend\'' -l token -x -d 'the holder token (required)'
complete -c loonctl -n '__loonctl_at \'lock extend\'' -l ttl -x -d 'time to add, or the new TTL with --replace (required)'
complete -c loonctl -n '__loonctl_at \'lock extend\'' -l replace -d 'set the TTL instead of adding to it'
complete -c loonctl -n '__loonctl_at \'lock extend\'' -l allow-long-ttl -d 'allow a TTL over 24h'
complete -c loonctl -n '__loonctl_at \'lock extend\'' -l prefix -x -d 'prepended to the name (Django cache locks: \':1:\')'
complete -c loonctl -n '__loonctl_at \'lock extend\'; and __loonctl_npos -eq 0' -x -a '(__loonctl_dynamic locks)'
complete -c loonctl -n '__loonctl_at \'lock show\'' -l prefix -x -d 'prepended to the name (Django cache locks: \':1:\')'
complete -c loonctl -n '__loonctl_at \'lock show\'; and __loonctl_npos -eq 0' -x -a '(__loonctl_dynamic locks)'
complete -c loonctl -n '__loonctl_at \'lock list\'' -l match -x -d 'only names matching this glob'
complete -c loonctl -n '__loonctl_at \'lock run\'' -l ttl -x -d 'expiry, renewed every ttl/3'
complete -c loonctl -n '__loonctl_at \'lock run\'' -l wait -x -d 'keep trying this long (default: one attempt)'
complete -c loonctl -n '__loonctl_at \'lock run\'' -l conflict-exit-code -x -d 'exit code when busy (default 75)'
complete -c loonctl -n '__loonctl_at \'lock run\'' -l busy-ok -d 'exit 0 when busy (cron on several hosts)'
complete -c loonctl -n '__loonctl_at \'lock run\'' -l on-lost -x -a 'term kill ignore' -d 'when the lock is lost: term (then kill), kill, ignore'
complete -c loonctl -n '__loonctl_at \'lock run\'' -l kill-after -x -d 'KILL this long after TERM'
complete -c loonctl -n '__loonctl_at \'lock run\'' -l allow-long-ttl -d 'allow a TTL over 24h'
complete -c loonctl -n '__loonctl_at \'lock run\'' -l prefix -x -d 'prepended to the name (Django cache locks: \':1:\')'
complete -c loonctl -n '__loonctl_at \'lock run\'; and __loonctl_npos -eq 0' -x -a '(__loonctl_dynamic locks)'
complete -c loonctl -n '__loonctl_at \'config\'' -f -a 'show' -d 'every effective setting with its source (flag, env var, file, default); passwords masked'
complete -c loonctl -n '__loonctl_at \'completion\'; and __loonctl_npos -eq 0' -x -a 'bash zsh fish'
complete -c loonctl -s V -l version -d 'print the version'
complete -c loonctl -l redis-url -x -d 'Redis for serial counters and locks'
complete -c loonctl -l broker-url -x -d 'Celery\'s broker Redis'
complete -c loonctl -l database-url -x -d 'postgres:// or mysql:// URL of the LoonFlow database'
complete -c loonctl -l sentinel-master -x -d 'master name for sentinel:// URLs'
complete -c loonctl -l config -r -F -d 'JSON config file with profiles'
complete -c loonctl -l profile -x -a '(__loonctl_dynamic profiles)' -d 'profile from the config file'
complete -c loonctl -l tz -x -d 'LoonFlow\'s time zone (default Asia/Shanghai)'
complete -c loonctl -l loonflow-version -x -d 'the LoonFlow release line (1, 2, 3 or e.g. 2.0.20); detected when absent'
complete -c loonctl -l timeout -x -d 'connect timeout (default 5s)'
complete -c loonctl -s o -l output -x -a 'table wide json jsonl plain' -d 'output format'
complete -c loonctl -l json -d 'same as -o json'
complete -c loonctl -l no-color -d 'no colour (also NO_COLOR)'
complete -c loonctl -s q -l quiet -d 'print only data and errors'
complete -c loonctl -s v -l verbose -d 'more detail; stack traces on internal errors'
