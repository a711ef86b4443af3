#!/usr/bin/env bash
# card-stack.sh — a private, real PC/SC stack with an emulated ICAO 9303
# passport: pcscd + vsmartcard's virtual reader (vpcd) + the vicc emulator.
#
#   card-stack.sh start  DIR              pcscd up, readers listed, DIR/env written
#   card-stack.sh insert DIR MRZ88 [TYPE] a card in "Virtual PCD 00 00": an ePass with
#                                         that MRZ, or TYPE iso7816 (not an ID; MRZ ignored)
#   card-stack.sh insert DIR - badge UID  an agent's badge: a card that is not an ID, whose
#                                         reader answers GET DATA (FF CA 00 00 00) with
#                                         UID (4 to 10 bytes of hex; vicc patch 09)
#   card-stack.sh remove DIR              the card pulled out
#   card-stack.sh stop   DIR              everything started here ended (always safe)
#   card-stack.sh status DIR              readers and card state, as a client sees them
#
# All state lives in DIR, so several stacks can run at once on one machine:
# a private pcscd socket (DIR/run/pcscd.comm), a private reader.conf.d, a
# free TCP port pair for vpcd. Clients `source DIR/env` (PCSCLITE_CSOCK_NAME).
# See README.md beside this file.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
py=/usr/bin/python3             # Debian's: Cryptodome and PIL are installed for it
timeout=${CARD_STACK_TIMEOUT:-10}
vpcd_lib=${VPCD_LIB:-/usr/lib/pcsc/drivers/serial/libifdvpcd.so}
reader0="Virtual PCD 00 00"
reader1="Virtual PCD 00 01"
vicc_pattern="/vicc -t "     # in vicc's command line; guards against a recycled pid

stack_name=card-stack
# shellcheck source=../lib/daemons.sh
source "$here/../lib/daemons.sh"

pcsc_wait() {  # pcsc_wait readers|present|empty READER
    PCSCLITE_CSOCK_NAME=$csock "$py" "$here/pcsc-wait.py" "$1" "$2" "$timeout"
}

load_env() {
    [[ -f $dir/env ]] || die "$dir/env not found: run 'card-stack.sh start $dir' first"
    # shellcheck disable=SC1091
    source "$dir/env"
    csock=$PCSCLITE_CSOCK_NAME
    port=$CARD_STACK_VPCD_PORT
    vicc_dir=$CARD_STACK_VICC
}

check_tools() {
    command -v pcscd >/dev/null || die "pcscd not found: apt-get install pcscd"
    [[ -e $vpcd_lib ]] || die "$vpcd_lib not found: apt-get install vsmartcard-vpcd"
    [[ -x $py ]] || die "$py not found: apt-get install python3"
    "$py" -c 'import Cryptodome' 2>/dev/null \
        || die "python3 module Cryptodome missing: apt-get install python3-pycryptodome"
    "$py" -c 'import PIL' 2>/dev/null \
        || die "python3 module PIL missing: apt-get install python3-pil"
    [[ -e /usr/lib/x86_64-linux-gnu/libpcsclite.so.1 ]] || ldconfig -p | grep -q libpcsclite.so.1 \
        || die "libpcsclite.so.1 missing: apt-get install libpcsclite1"
}

# Two consecutive free TCP ports P, P+1 (vpcd's two slots), below the
# ephemeral range so outgoing connections do not take them meanwhile.
free_ports() {
    "$py" - <<'EOF'
import random, socket
for _ in range(200):
    p = random.randrange(20000, 32000, 2)
    socks = []
    try:
        for q in (p, p + 1):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(s)
            s.bind(("0.0.0.0", q))
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(p)
    break
else:
    raise SystemExit("no free TCP port pair")
EOF
}

# How to give pcscd a private /run/pcscd. pcscd 1.9.9 ignores
# PCSCLITE_CSOCK_NAME (only libpcsclite honours it): its socket and pid file
# are always /run/pcscd/pcscd.{comm,pid}, it refuses to start when another
# pcscd owns them, and it empties /run/pcscd when it exits. So pcscd runs in
# its own mount namespace where DIR/run is bind-mounted on /run/pcscd; the
# socket appears as DIR/run/pcscd.comm for the clients.
namespace_cmd() {
    if [[ ${CARD_STACK_SHARED_RUN:-0} == 1 ]]; then
        return 0    # forced fallback (to test it)
    fi
    if unshare --mount --propagation private true 2>/dev/null; then
        echo "unshare --mount --propagation private"
    elif unshare --user --map-root-user --mount true 2>/dev/null; then
        echo "unshare --user --map-root-user --mount"
    fi
}

cmd_start() {
    check_tools
    if alive "$dir/pcscd.pid" "$dir/reader.conf.d"; then
        die "a stack already runs in $dir (pcscd pid $(cat "$dir/pcscd.pid")): stop it first"
    fi
    local t0=$EPOCHREALTIME
    vicc_dir=${VICC_CACHE:-$dir/vicc}
    "$here/vicc-private.sh" "$vicc_dir"
    vicc_dir=$(cd "$vicc_dir" && pwd)

    rm -rf "$dir/reader.conf.d" "$dir/run"
    mkdir -p "$dir/reader.conf.d" "$dir/run"
    rm -f "$dir/env" "$dir/vicc.pid"

    local ns mode pid i
    ns=$(namespace_cmd)
    if [[ -n $ns ]]; then
        mode=namespace
        [[ -d /run/pcscd ]] || mkdir -p /run/pcscd 2>/dev/null \
            || die "/run/pcscd does not exist and cannot be created (needed as a mount point)"
        csock=$dir/run/pcscd.comm
    else
        # No mount namespaces (e.g. a container without CAP_SYS_ADMIN):
        # share the system's /run/pcscd, which works only if no other pcscd
        # uses it, and allows one stack at a time.
        mode=shared
        [[ -e /run/pcscd/pcscd.comm ]] \
            && die "cannot create a mount namespace (unshare) and /run/pcscd/pcscd.comm exists (another pcscd?): cannot run a private pcscd"
        note "no mount namespace available: using /run/pcscd (one stack at a time)"
        csock=/run/pcscd/pcscd.comm
    fi

    for _ in 1 2 3; do
        port=$(free_ports)
        printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x%X\nLIBPATH      %s\nCHANNELID    0x%X\n' \
            "$port" "$vpcd_lib" "$port" > "$dir/reader.conf.d/vpcd"
        # --apdu logs every command and response APDU (lines "APDU: ..." and
        # "SW: ..."), whatever the level; --info adds the readers' and cards'
        # events ("daemon ready", "Card inserted into ...", "Card Removed ...").
        local pcscd_cmd=(pcscd --foreground --apdu --info -c "$dir/reader.conf.d")
        if [[ $mode == namespace ]]; then
            # exec chain: unshare -> sh -> pcscd keep one pid, the one we record
            # shellcheck disable=SC2086,SC2016
            $ns sh -c 'mount --bind "$0" /run/pcscd && exec "$@"' "$dir/run" "${pcscd_cmd[@]}" \
                > "$dir/pcscd.log" 2>&1 < /dev/null &
        else
            "${pcscd_cmd[@]}" > "$dir/pcscd.log" 2>&1 < /dev/null &
        fi
        pid=$!
        echo "$pid" > "$dir/pcscd.pid"
        echo "$mode" > "$dir/mode"
        for ((i = 0; i < timeout * 10; i++)); do
            grep -q 'daemon ready' "$dir/pcscd.log" 2>/dev/null && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$dir/pcscd.log" >&2 || true
            rm -f "$dir/pcscd.pid"
            die "pcscd exited at start (log: $dir/pcscd.log)"
        fi
        grep -q 'daemon ready' "$dir/pcscd.log" \
            || { end "$dir/pcscd.pid" "$dir/reader.conf.d" pcscd; die "pcscd not ready in ${timeout}s (log: $dir/pcscd.log)"; }
        # a port taken meanwhile: vpcd cannot listen, its reader is missing
        if grep -q 'Could not initialize connection to virtual ICC' "$dir/pcscd.log"; then
            note "vpcd could not listen on port $port or $((port + 1)); new ports"
            end "$dir/pcscd.pid" "$dir/reader.conf.d" pcscd
            continue
        fi
        break
    done
    alive "$dir/pcscd.pid" "$dir/reader.conf.d" || die "pcscd could not start its virtual readers (log: $dir/pcscd.log)"

    {
        printf 'export PCSCLITE_CSOCK_NAME=%q\n' "$csock"
        printf 'export CARD_STACK_DIR=%q\n' "$dir"
        printf 'export CARD_STACK_READER=%q\n' "$reader0"
        printf 'export CARD_STACK_READER2=%q\n' "$reader1"
        printf 'export CARD_STACK_VPCD_PORT=%q\n' "$port"
        printf 'export CARD_STACK_VICC=%q\n' "$vicc_dir"
    } > "$dir/env.tmp"
    mv "$dir/env.tmp" "$dir/env"

    if ! pcsc_wait readers "$reader0" || ! pcsc_wait readers "$reader1"; then
        cmd_stop
        die "readers not listed in ${timeout}s (log: $dir/pcscd.log)"
    fi
    note "started in $(elapsed "$t0"): pcscd pid $(cat "$dir/pcscd.pid") ($mode), vpcd ports $port/$((port + 1)), socket $csock"
}

cmd_insert() {
    local mrz=$1 type=${2:-ePass} uid=${3:-} vicc_type pid i
    load_env
    alive "$dir/pcscd.pid" "$dir/reader.conf.d" || die "pcscd of $dir is not running: run 'card-stack.sh start $dir'"
    alive "$dir/vicc.pid" "$vicc_pattern" \
        && die "a card is already in $reader0 (vicc pid $(cat "$dir/vicc.pid")): remove it first"
    [[ $type == badge || -z $uid ]] || die "only a badge takes a UID"
    vicc_type=$type
    case $type in
        ePass)
            [[ ${#mrz} -eq 88 ]] || die "MRZ must be the 88 characters of a TD3 MRZ (two lines of 44, no newline), got ${#mrz}"
            [[ $mrz =~ ^[A-Z0-9\<]+$ ]] || die "MRZ may only hold A-Z, 0-9 and <"
            ;;
        iso7816) ;;   # a smart card that is not an identity document
        badge)
            # A card that is not an identity document, on a reader that
            # gives its UID: vicc patch 09 answers GET DATA from VICC_UID,
            # as a contactless reader's firmware does.
            [[ $uid =~ ^([0-9A-Fa-f]{2}){4,10}$ ]] || die "a badge's UID is 4 to 10 bytes of hex (e.g. 04A1B2C3D4E5F6), got '$uid'"
            vicc_type=iso7816
            ;;
        *) die "unsupported card type '$type' (ePass, iso7816 or badge)" ;;
    esac
    # The ePass generator reads the MRZ, then a photo path, from stdin.
    if [[ ! -s $dir/face.jpg ]]; then
        "$py" -c 'import sys
from PIL import Image, ImageDraw
im = Image.new("RGB", (60, 80), (235, 225, 210))
d = ImageDraw.Draw(im)
d.ellipse((15, 12, 45, 50), fill=(200, 160, 130))
d.rectangle((10, 55, 50, 80), fill=(40, 60, 120))
im.save(sys.argv[1], "JPEG", quality=50)' "$dir/face.jpg"
    fi
    printf '%s\n%s\n' "$mrz" "$dir/face.jpg" > "$dir/vicc.stdin"
    local t0=$EPOCHREALTIME
    # -vvv: INFO, every APDU (and the decrypted SM APDU) in vicc.log.
    # VICC_UID is always set, empty but for a badge: one inherited from the
    # caller's environment would give an ID card a UID.
    VICC_UID=$uid "$py" "$vicc_dir/vicc" -t "$vicc_type" -H 127.0.0.1 -P "$port" -vvv \
        < "$dir/vicc.stdin" > "$dir/vicc.log" 2>&1 &
    pid=$!
    echo "$pid" > "$dir/vicc.pid"
    for ((i = 0; i < timeout * 10; i++)); do
        grep -q 'Connected to virtual PCD' "$dir/vicc.log" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if ! grep -q 'Connected to virtual PCD' "$dir/vicc.log"; then
        tail -n 20 "$dir/vicc.log" >&2 || true
        end "$dir/vicc.pid" "$vicc_pattern" vicc
        die "vicc did not connect to vpcd on port $port in ${timeout}s (log: $dir/vicc.log)"
    fi
    # present as a client sees it; give up at once if vicc dies
    local deadline=$((SECONDS + timeout)) seen=""
    while ((SECONDS < deadline)); do
        if seen=$(PCSCLITE_CSOCK_NAME=$csock "$py" "$here/pcsc-wait.py" present "$reader0" 0.5 2>&1); then
            seen=ok
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
    done
    if [[ $seen != ok ]]; then
        tail -n 20 "$dir/vicc.log" >&2 || true
        end "$dir/vicc.pid" "$vicc_pattern" vicc
        die "card not present in '$reader0' (${seen:-timeout}; logs: $dir/vicc.log, $dir/pcscd.log)"
    fi
    note "$type card inserted in '$reader0' in $(elapsed "$t0") (vicc pid $pid)"
}

cmd_remove() {
    load_env
    end "$dir/vicc.pid" "$vicc_pattern" vicc
    if alive "$dir/pcscd.pid" "$dir/reader.conf.d"; then
        pcsc_wait empty "$reader0" || die "'$reader0' still not empty after ${timeout}s"
    fi
}

cmd_stop() {
    [[ -d $dir ]] || return 0
    end "$dir/vicc.pid" "$vicc_pattern" vicc
    end "$dir/pcscd.pid" "$dir/reader.conf.d" pcscd
    # pcscd empties /run/pcscd on a normal exit, not after SIGKILL
    if [[ $(cat "$dir/mode" 2>/dev/null) == shared && -e /run/pcscd/pcscd.comm ]] \
            && ! pgrep -x pcscd >/dev/null; then
        rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid
    fi
    rm -f "$dir/env" "$dir/mode"
}

cmd_status() {
    load_env
    alive "$dir/pcscd.pid" "$dir/reader.conf.d" && echo "pcscd: pid $(cat "$dir/pcscd.pid")" || echo "pcscd: not running"
    alive "$dir/vicc.pid" "$vicc_pattern" && echo "vicc: pid $(cat "$dir/vicc.pid")" || echo "vicc: not running"
    PCSCLITE_CSOCK_NAME=$csock "$py" "$here/pcsc-wait.py" list
}

[[ $# -ge 2 ]] || usage
cmd=$1
if [[ $cmd == stop && ! -d $2 ]]; then
    exit 0          # nothing was started there
fi
dir=$(absdir "$2")
case $cmd in
    start)  [[ $# -eq 2 ]] || usage; cmd_start ;;
    insert) [[ $# -ge 3 && $# -le 5 ]] || usage; cmd_insert "$3" "${4:-ePass}" "${5:-}" ;;
    remove) [[ $# -eq 2 ]] || usage; cmd_remove ;;
    stop)   [[ $# -eq 2 ]] || usage; cmd_stop ;;
    status) [[ $# -eq 2 ]] || usage; cmd_status ;;
    *) usage ;;
esac
