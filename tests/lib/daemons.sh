# daemons.sh: what the test stacks (tests/card/card-stack.sh,
# tests/print/cups-stack.sh) share to start and end their private daemons
# without ever touching a process that is not theirs. Sourced; expects
# `stack_name` (for messages) and `timeout` (seconds) to be set.

die() { echo "$stack_name: $*" >&2; exit 1; }
note() { echo "$stack_name: $*" >&2; }

# The header comment of the sourcing script, up to `set -e`, as its usage.
usage() {
    sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

elapsed() {  # elapsed T0 (an $EPOCHREALTIME): "1.23s"
    local now=$EPOCHREALTIME us
    us=$((10#${now//[.,]/} - 10#${1//[.,]/}))
    printf '%d.%02ds' $((us / 1000000)) $((us % 1000000 / 10000))
}

absdir() { mkdir -p "$1" && (cd "$1" && pwd); }

# alive PIDFILE PATTERN: the pid in PIDFILE runs and its command line
# contains PATTERN (so a recycled pid is never taken for ours).
alive() {
    local pid
    [[ -f $1 ]] || return 1
    pid=$(cat "$1" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    [[ $({ tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null) == *"$2"* ]]
}

# end PIDFILE PATTERN NAME: TERM the process, KILL it after the timeout.
end() {
    local pidfile=$1 pattern=$2 name=$3 pid i
    if alive "$pidfile" "$pattern"; then
        pid=$(cat "$pidfile")
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < timeout * 10; i++)); do
            alive "$pidfile" "$pattern" || break
            sleep 0.1
        done
        if alive "$pidfile" "$pattern"; then
            note "$name (pid $pid) ignored SIGTERM for ${timeout}s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.2
        fi
    fi
    rm -f "$pidfile"
}

# uri_encode TEXT: TEXT percent-encoded for a URI path or query value (kept: A-Za-z0-9/._~-)
uri_encode() {
    local s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        if [[ $c == [A-Za-z0-9/._~-] ]]; then
            out+=$c
        else
            out+=$(LC_ALL=C printf '%%%02X' "'$c")
        fi
    done
    echo "$out"
}
