# hub.sh: the project's hub on loopback, for the test scripts that need a
# real one (kioskctl, the wizard, remote help, the hub's CLI). Sourced.
#
# start_hub HUB WORK [SERVE OPTION...]: `HUB serve` on 127.0.0.1 with a
# port the system chooses, its log in WORK/hub.log; sets hub_pid and
# hub_port once the hub says its port (WORK/port), and ends the script
# with the log's tail when it never does. KIOSK_HUB_DATA (or --data) says
# which hub; the caller ends it (kill "$hub_pid").
start_hub() {
    local hub=$1 work=$2
    shift 2
    rm -f "$work/port"
    "$hub" serve --listen 127.0.0.1:0 --port-file "$work/port" "$@" >"$work/hub.log" 2>&1 &
    hub_pid=$!
    for _ in $(seq 100); do
        [[ -s $work/port ]] && break
        sleep 0.05
    done
    if [[ ! -s $work/port ]]; then
        echo "FAIL: the hub did not start: $(tail -5 "$work/hub.log")" >&2
        exit 1
    fi
    hub_port=$(cat "$work/port")
}
