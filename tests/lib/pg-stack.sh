#!/usr/bin/env bash
# pg-stack.sh — a private, real PostgreSQL server for tests (Debian 12's
# PostgreSQL 15): the hub's database, role guichet, database guichet.
#
#   pg-stack.sh start  DIR    server up on the socket DIR/socket, database guichet
#                             (owner guichet) there, DIR/env written; the URL is
#                             the last line on stdout. An existing DIR/pgdata is
#                             started again as it is (its data kept).
#   pg-stack.sh stop   DIR    server ended, fast shutdown (always safe: not running, no DIR)
#   pg-stack.sh crash  DIR    server ended at once, immediate shutdown, as on a power
#                             cut: no backend finishes what it was doing (a fast
#                             shutdown can let a transaction that was waiting for a
#                             lock commit as the lock's holder is ended first)
#   pg-stack.sh status DIR    exit 0 if the server runs and accepts connections, 1 if not
#   pg-stack.sh reset  DIR    database guichet dropped (its sessions ended) and created
#                             empty again, between test cases
#
# All state lives in DIR, so several stacks can run at once on one machine:
# the cluster in DIR/pgdata (initdb: UTF8, locale C, trust on the unix socket,
# no TCP at all), the socket in DIR/socket (port 5432 in its name, private to
# DIR), the logs in DIR/log. Clients `source DIR/env` (PG_STACK_URL, a libpq
# URI for libpqxx and psql: postgresql://guichet@/guichet?host=DIR/socket).
# The system's clusters, /etc/postgresql and /var/run/postgresql are neither
# used nor touched. PostgreSQL refuses to run as root: when run as root this
# script runs initdb, pg_ctl and the server as the user postgres (Debian's
# package creates it), which must be able to reach DIR (start gives DIR
# itself o+x, never its parents). A fresh pgdata is copied from a cache of
# initdb's output when there is one (PG_STACK_CACHE, default
# ~/.cache/guichet/pg-stack; PG_STACK_CACHE=off: always initdb). Every wait
# gives up after PG_STACK_TIMEOUT seconds (30). See README.md beside this file.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
timeout=${PG_STACK_TIMEOUT:-30}
server_user=postgres    # the server's user when run as root
port=5432
role=guichet
db=guichet
admin=postgres          # the bootstrap superuser (initdb -U), whoever runs the server

stack_name=pg-stack
# shellcheck source=daemons.sh
source "$here/daemons.sh"

# The newest installed server, or PG_STACK_BINDIR. Its own psql and
# pg_isready, not /usr/bin's (Debian's pg_wrapper, a Perl script: slower).
bindir=${PG_STACK_BINDIR:-}
if [[ -z $bindir ]]; then
    bindir=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
    bindir=${bindir%/initdb}
fi

# The caller's PG* variables (PGPORT, PGOPTIONS, PGDATA, PGSSLMODE ...) would
# reach initdb, the server and our psql: none of them here.
for v in $(compgen -e); do
    if [[ $v == PG* && $v != PG_STACK_* ]]; then unset "$v"; fi
done

check_tools() {
    local t
    for t in initdb pg_ctl postgres psql pg_isready; do
        [[ -x $bindir/$t ]] || die "$bindir/$t not found: apt-get install postgresql (or set PG_STACK_BINDIR)"
    done
    if ((EUID == 0)); then
        getent passwd "$server_user" >/dev/null \
            || die "running as root, and there is no user $server_user to run PostgreSQL as (it refuses root): apt-get install postgresql creates it"
        command -v setpriv >/dev/null || die "setpriv not found: apt-get install util-linux"
    fi
}

# as_server CMD...: CMD as the server's user (postgres when we are root, we
# otherwise), in DIR (the caller's directory may be closed to postgres), with
# only stdin, stdout and stderr open: the server would otherwise keep the
# caller's other descriptors, e.g. the pipe of a $(...) or of a test runner,
# which would then wait for its end until the server stops.
as_server() {
    (
        local fd
        for fd in "/proc/$BASHPID/fd/"*; do
            fd=${fd##*/}
            if ((fd > 2)); then eval "exec $fd>&-"; fi
        done
        cd "$dir"
        if ((EUID == 0)); then
            exec setpriv --reuid="$server_user" --regid="$server_user" --init-groups -- "$@"
        fi
        exec "$@"
    )
}

# own PATH...: given to the server's user (when root; nothing otherwise)
own() {
    if ((EUID == 0)); then chown "$server_user:" "$@"; fi
}

# is_our_postmaster PID: PID is a postgres whose arguments hold exactly
# DIR/pgdata (pg_ctl starts "postgres -D DIR/pgdata"; a backend's command line
# is rewritten, "postgres: ..."): a recycled pid is never taken for ours.
is_our_postmaster() {
    local args
    args=$({ tr '\0' '\n' < "/proc/$1/cmdline"; } 2>/dev/null) || return 1
    [[ ${args%%$'\n'*} == */postgres || ${args%%$'\n'*} == postgres ]] || return 1
    [[ $'\n'$args$'\n' == *$'\n'"$pgdata"$'\n'* ]]
}

# The server of DIR runs: its pid (postmaster.pid's first line) in pm_pid.
postmaster_alive() {
    pm_pid=
    [[ -f $pgdata/postmaster.pid ]] || return 1
    pm_pid=$(head -n 1 "$pgdata/postmaster.pid" 2>/dev/null) || return 1
    [[ $pm_pid =~ ^[0-9]+$ ]] || return 1
    is_our_postmaster "$pm_pid"
}

# postgres processes of DIR found by their arguments: for a postmaster.pid
# lost, or a DIR removed while its server ran.
stray_postmasters() {
    local f p
    # shellcheck disable=SC2013    # /proc/N/cmdline: no blanks
    for f in $(grep -lszxF "$pgdata" /proc/[0-9]*/cmdline); do
        p=${f#/proc/}
        p=${p%/cmdline}
        [[ $p != "$pm_pid" ]] && is_our_postmaster "$p" && echo "$p"
    done
    return 0
}

# End the postmasters given: SIGINT (fast shutdown), SIGQUIT (immediate)
# after the timeout, SIGKILL after another second.
end_postmasters() {
    local pids=$* sig i n p left
    for sig in INT QUIT KILL; do
        # shellcheck disable=SC2086
        kill -"$sig" $pids 2>/dev/null || true
        n=20
        [[ $sig != INT ]] || n=$((timeout * 20))
        for ((i = 0; i < n; i++)); do
            left=
            for p in $pids; do
                if is_our_postmaster "$p"; then left+=" $p"; fi
            done
            [[ -n $left ]] || return 0
            sleep 0.05
        done
        pids=$left
        [[ $sig == KILL ]] || note "postgres$pids still running after SIG$sig: next signal"
    done
    note "postgres$pids still running after SIGKILL"
    return 1
}

end_strays() {
    local pids
    pids=$(stray_postmasters | tr '\n' ' ')
    [[ -n $pids ]] || return 0
    note "postgres ${pids}runs on $pgdata but not from its postmaster.pid: ending it"
    # shellcheck disable=SC2086
    end_postmasters $pids
}

# The postgres processes working in DIR/pgdata (a server's processes all have
# it as their working directory), zombies excepted.
server_procs() {
    local f p
    # shellcheck disable=SC2044    # /proc/N/cwd: no blanks
    for f in $(find /proc/[0-9]*/cwd -maxdepth 0 -lname "$pgdata" 2>/dev/null); do
        p=${f#/proc/}
        p=${p%/cwd}
        [[ $(readlink "/proc/$p/exe" 2>/dev/null) == */postgres ]] && echo "$p"
    done
    return 0
}

# A server killed (SIGKILL, OOM) leaves postmaster.pid and the socket's lock
# file naming its pid, which stays taken while nobody reaps the dead
# postmaster (a zombie; a container's pid 1 often does not reap): postgres
# then refuses to start ("lock file ... already exists"). Once no postgres
# process works in DIR/pgdata any more (orphaned backends exit within a
# moment), both files are stale: removed.
clear_stale_locks() {
    local pids i old
    old=$(head -n 1 "$pgdata/postmaster.pid" 2>/dev/null || true)
    for ((i = 0; i < timeout * 20; i++)); do
        pids=$(server_procs | tr '\n' ' ')
        [[ -n $pids ]] || break
        sleep 0.05
    done
    [[ -z $pids ]] || die "postgres ${pids}still works in $pgdata after ${timeout}s, with no postmaster of ours (left by a server that was killed?): end it first"
    note "removing the lock files of a server that no longer runs (pid $old): $pgdata/postmaster.pid, $sock/.s.PGSQL.$port.lock"
    rm -f "$pgdata/postmaster.pid" "$sock/.s.PGSQL.$port.lock" "$sock/.s.PGSQL.$port"
}


# psql as the superuser on database postgres, a script on stdin
admin_psql() {
    "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U "$admin" -d postgres "$@"
}

# role guichet and database guichet, when missing (\gexec: each CREATE alone,
# outside a transaction block, as CREATE DATABASE needs)
ensure_db() {
    admin_psql <<EOF
SELECT 'CREATE ROLE $role LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role')
\gexec
SELECT 'CREATE DATABASE $db OWNER $role' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db')
\gexec
EOF
}

initdb_args=(-U "$admin" -E UTF8 --locale=C --auth-local=trust --auth-host=reject --no-sync --no-instructions)

init_cluster() {
    mkdir -p "$pgdata"
    chmod 0700 "$pgdata"
    own "$pgdata"
    if ! as_server "$bindir/initdb" -D "$pgdata" "${initdb_args[@]}" > "$dir/log/initdb.log" 2>&1; then
        tail -n 20 "$dir/log/initdb.log" >&2 || true
        die "initdb failed (log: $dir/log/initdb.log); $pgdata is left as it is: remove it before the next start"
    fi
    printf "\n# Guichet's tests/lib/pg-stack.sh\ninclude 'pg-stack.conf'\n" >> "$pgdata/postgresql.conf"
}

# initdb takes 1 s on an idle machine, 3-4 s on a loaded one; a copy of its
# result, 0.1-0.5 s. So the first start of a user keeps a copy of a fresh
# pgdata (never started, no DIR in it: the paths are in pg-stack.conf) in
# PG_STACK_CACHE (default ~/.cache/guichet/pg-stack; "off": always initdb),
# one per server version, initdb arguments and owner; later starts copy it.
template=
template_format=1    # one more when init_cluster makes a different pgdata
find_template() {
    local cache=${PG_STACK_CACHE:-${XDG_CACHE_HOME:-${HOME:-}/.cache}/guichet/pg-stack} key owner
    [[ $cache != off && $cache != /.cache/* ]] || return 1
    owner=$EUID
    if ((EUID == 0)); then owner=$(id -u "$server_user"); fi
    key=$(printf '%s\n' "$template_format" "$server_version" "${initdb_args[*]}" "$owner" | sha1sum | cut -c1-12)
    template=$cache/pgdata-$key
}

copy_template() {
    find_template || return 1
    [[ -f $template/PG_VERSION ]] || return 1
    if ! cp -a "$template" "$pgdata" 2> "$dir/log/template.err"; then
        note "could not copy $template (log: $dir/log/template.err): initdb instead"
        rm -rf "$pgdata"
        return 1
    fi
    echo "pgdata copied from $template; no initdb" > "$dir/log/initdb.log"
}

# A copy of the new pgdata into the cache, made aside then renamed: a
# concurrent start sees the whole of it or nothing.
save_template() {
    find_template || return 0
    local tmp
    mkdir -p "${template%/*}" 2>/dev/null || return 0
    tmp=$(mktemp -d "$template.tmp.XXXXXX" 2>/dev/null) || return 0
    if cp -a "$pgdata/." "$tmp/" 2>/dev/null && chmod 0700 "$tmp" && own "$tmp" \
            && mv -T "$tmp" "$template" 2>/dev/null; then
        return 0
    fi
    rm -rf "$tmp"    # another start saved it first, or no room
    return 0
}

# The settings of this stack, rewritten at each start (postgresql.conf includes it).
write_conf() {
    cat > "$pgdata/pg-stack.conf" <<EOF
# Written by Guichet's tests/lib/pg-stack.sh at each start; postgresql.conf
# includes it last. A unix socket in $sock only, no TCP.
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
max_connections = 300
shared_buffers = 32MB
# durable commits, as in production (the hub's benchmarks measure them)
fsync = on
synchronous_commit = on
# deterministic timestamps in text and in the log
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
logging_collector = off
EOF
    own "$pgdata/pg-stack.conf"
}

# The user postgres can enter DIR; or the first directory on the way that it
# cannot, named in the error.
check_reachable() {
    ((EUID == 0)) || return 0
    local p="" part
    setpriv --reuid="$server_user" --regid="$server_user" --init-groups -- test -x "$dir" 2>/dev/null && return 0
    IFS=/ read -ra parts <<< "${dir#/}"
    for part in "${parts[@]}"; do
        p+=/$part
        if ! setpriv --reuid="$server_user" --regid="$server_user" --init-groups -- test -x "$p" 2>/dev/null; then
            die "user $server_user cannot enter $p ($(stat -c '%A %U:%G' "$p")), on the way to $dir: PostgreSQL refuses to run as root, so as root the server runs as $server_user and needs x on every directory above DIR. Use a DIR it can reach (e.g. mktemp -d under /tmp) or chmod o+x $p"
        fi
    done
    die "user $server_user cannot enter $dir"
}

check_dir() {
    # postgresql.conf's quoted values and the URI: no blanks, quotes, commas
    # (a list separator in unix_socket_directories and in libpq's host)
    [[ $dir =~ ^[A-Za-z0-9/._+:=@~-]+$ ]] \
        || die "DIR may only hold A-Z a-z 0-9 / . _ + : = @ ~ - (postgresql.conf, libpq host lists): $dir"
    local sock_file=$sock/.s.PGSQL.$port
    ((${#sock_file} < 108)) \
        || die "socket path $sock_file is ${#sock_file} characters, a unix socket allows 107: use a shorter DIR"
}

cmd_start() {
    if postmaster_alive; then
        die "a server already runs in $dir (postgres pid $pm_pid): stop it first"
    fi
    local t0=$EPOCHREALTIME t_init="" t_up server_version
    end_strays    # a server of this DIR whose postmaster.pid was lost
    if [[ -f $pgdata/postmaster.pid ]]; then
        clear_stale_locks
    fi
    rm -f "$dir/env"

    if ((EUID == 0)); then
        chmod o+x "$dir"    # mktemp -d makes it 0700: postgres could not enter
        check_reachable
    fi
    mkdir -p "$dir/log" "$sock"
    # the socket directory: only the server's user (and root) may connect
    chmod 0700 "$sock"
    chmod 0755 "$dir/log"
    own "$dir/log" "$sock"

    server_version=$("$bindir/postgres" -V)    # "postgres (PostgreSQL) 15.18 (Debian ...)"
    if [[ ! -f $pgdata/PG_VERSION ]]; then
        if [[ -d $pgdata && -n $(ls -A "$pgdata") ]]; then
            die "$pgdata is not empty but holds no cluster (no PG_VERSION): remove it"
        fi
        rmdir "$pgdata" 2>/dev/null || true
        local t1=$EPOCHREALTIME
        if copy_template; then
            t_init=" (pgdata copied from $template in $(elapsed "$t1"))"
        else
            init_cluster
            t_init=" (initdb $(elapsed "$t1"))"
            save_template
        fi
    fi
    [[ $(cat "$pgdata/PG_VERSION") == "$(sed -E 's/^[^0-9]*([0-9]+).*/\1/' <<< "$server_version")" ]] \
        || die "$pgdata was made by PostgreSQL $(cat "$pgdata/PG_VERSION"), $bindir is $server_version: remove $pgdata"
    write_conf

    # pg_ctl: the server in its own session, stdout/stderr to the log, -w:
    # waits for "ready" in postmaster.pid, or reports an exit at start.
    : >> "$dir/log/postgres.log"
    own "$dir/log/postgres.log"
    if ! as_server "$bindir/pg_ctl" start -D "$pgdata" -l "$dir/log/postgres.log" -w -t "$timeout" -s \
            > "$dir/log/pg_ctl.log" 2>&1 < /dev/null; then
        cat "$dir/log/pg_ctl.log" >&2 || true
        tail -n 20 "$dir/log/postgres.log" >&2 || true
        if postmaster_alive; then
            cmd_stop
            die "the server is not ready after ${timeout}s (log: $dir/log/postgres.log)"
        fi
        die "the server exited at start (log: $dir/log/postgres.log)"
    fi
    local i ready=0
    for ((i = 0; i < timeout * 20; i++)); do
        if "$bindir/pg_isready" -q -h "$sock" -p "$port" -U "$admin" -d postgres -t 1; then ready=1; break; fi
        sleep 0.05
    done
    if ((ready == 0)); then
        tail -n 20 "$dir/log/postgres.log" >&2 || true
        cmd_stop
        die "pg_isready: no answer on $sock after ${timeout}s (log: $dir/log/postgres.log)"
    fi
    postmaster_alive || die "the server answers but $pgdata/postmaster.pid names no postgres of $pgdata"
    t_up=$(elapsed "$t0")

    if ! ensure_db 2> "$dir/log/psql.err"; then
        cat "$dir/log/psql.err" >&2
        cmd_stop
        die "could not create role $role and database $db (log: $dir/log/postgres.log)"
    fi

    local url admin_url
    url="postgresql://$role@/$db?host=$(uri_encode "$sock")"
    admin_url="postgresql://$admin@/postgres?host=$(uri_encode "$sock")"
    {
        printf "export PG_STACK_DIR='%s'\n" "$dir"
        printf "export PG_STACK_URL='%s'\n" "$url"
        printf "export PG_STACK_SOCKET='%s'\n" "$sock"
        printf "export PG_STACK_ADMIN_URL='%s'\n" "$admin_url"
        printf "export PG_STACK_LOG='%s'\n" "$dir/log/postgres.log"
    } > "$dir/env.tmp"
    mv "$dir/env.tmp" "$dir/env"
    note "started in $(elapsed "$t0")$t_init (accepting connections after $t_up): postgres pid $pm_pid, socket $sock"
    echo "$url"
}

cmd_stop() {
    pm_pid=
    if [[ ! -d $dir ]]; then    # never started, or removed under a running server
        local pids
        pids=$(stray_postmasters | tr '\n' ' ')
        if [[ -n $pids ]]; then
            note "postgres ${pids}runs on $pgdata, whose directory is gone: ending it"
            # shellcheck disable=SC2086
            end_postmasters $pids || die "could not end postgres $pids"
        fi
        return 0
    fi
    if postmaster_alive; then
        if ! as_server "$bindir/pg_ctl" stop -D "$pgdata" -m fast -w -t "$timeout" -s \
                > "$dir/log/pg_ctl.log" 2>&1 < /dev/null; then
            cat "$dir/log/pg_ctl.log" >&2 || true
            note "fast shutdown did not end postgres $pm_pid in ${timeout}s: immediate shutdown"
            stop_immediately
        fi
    fi
    end_strays || die "could not end a postgres running on $pgdata"
    rm -f "$dir/env"
}

# Immediate shutdown, then the postmaster's pid if even that did not end it.
stop_immediately() {
    as_server "$bindir/pg_ctl" stop -D "$pgdata" -m immediate -w -t "$timeout" -s \
        > "$dir/log/pg_ctl.log" 2>&1 < /dev/null || true
    if postmaster_alive; then
        end_postmasters "$pm_pid" || die "could not end postgres $pm_pid"
    fi
}

cmd_crash() {
    pm_pid=
    if [[ -d $dir ]] && postmaster_alive; then
        stop_immediately
    fi
    end_strays || die "could not end a postgres running on $pgdata"
    rm -f "$dir/env"
}

cmd_status() {
    if ! postmaster_alive; then
        echo "postgres: not running in $dir"
        return 1
    fi
    local answer
    answer=$("$bindir/pg_isready" -h "$sock" -p "$port" -U "$admin" -d postgres -t 2 2>&1) || {
        echo "postgres: pid $pm_pid, not accepting connections: $answer"
        return 1
    }
    echo "postgres: pid $pm_pid, socket $sock, accepting connections"
    [[ -f $dir/env ]] && sed -n "s/^export PG_STACK_URL='\(.*\)'$/url: \1/p" "$dir/env"
    return 0
}

cmd_reset() {
    postmaster_alive || die "no server runs in $dir: run 'pg-stack.sh start $dir' first"
    local t0=$EPOCHREALTIME
    # WITH (FORCE): the sessions still on the database are ended first
    if ! { admin_psql -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" && ensure_db; } 2> "$dir/log/psql.err"; then
        cat "$dir/log/psql.err" >&2
        die "could not recreate database $db (log: $dir/log/postgres.log)"
    fi
    note "database $db recreated in $(elapsed "$t0")"
}

[[ $# -eq 2 && -n $2 ]] || usage
cmd=$1
dir=$(realpath -m -- "$2")
pgdata=$dir/pgdata
sock=$dir/socket
pm_pid=
case $cmd in
    start)
        check_tools
        check_dir
        mkdir -p "$dir" || die "cannot create $dir"
        cmd_start ;;
    stop)   cmd_stop ;;
    crash)  cmd_crash ;;
    status) cmd_status ;;
    reset)  cmd_reset ;;
    *) usage ;;
esac
