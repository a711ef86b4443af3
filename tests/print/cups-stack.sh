#!/usr/bin/env bash
# cups-stack.sh — a private, real CUPS print server for tests: Debian's cupsd
# 2.4 with two queues, kiosk-pdf (cups-pdf: PDFs land in DIR/pdf) and
# kiosk-fault (a raw queue on fault-backend: faults on demand).
#
#   cups-stack.sh start  DIR        cupsd up, both queues enabled and accepting, DIR/env written
#   cups-stack.sh fault  DIR MODE   kiosk-fault's next jobs in MODE: ok, media-low,
#                                   media-empty, jam, offline, offline-stop, hang, fail
#   cups-stack.sh stop   DIR        cupsd and its filters/backends ended (always safe)
#   cups-stack.sh status DIR        lpstat -t and printer-state-reasons, as a client sees them
#
# All state lives in DIR, so several stacks can run at once on one machine:
# cupsd listens on the unix socket DIR/run/cups.sock only (no TCP port, no
# browsing), with its own ServerRoot (DIR/etc), spool, cache, logs (DIR/log,
# LogLevel debug) and ServerBin (DIR/serverbin). The system cupsd, /etc/cups
# and /run/cups are neither used nor touched. Clients `source DIR/env`
# (CUPS_SERVER=DIR/run/cups.sock, CUPS_STACK_PDF_DIR, CUPS_STACK_FAULT, ...).
#
# Fault modes (what fault-backend does at each job; see its header):
#   ok           prints to DIR/fault-out/job_<id>.pdf, clears the reasons below
#   media-low    STATE: +media-low-report, then prints
#   media-empty  STATE: +media-empty-error, exit 4: queue stopped, job kept pending
#   jam          STATE: +media-jam-error, exit 4: queue stopped, job kept pending
#   offline      STATE: +offline-report, the job waits ("processing") until the mode changes
#   offline-stop STATE: +offline-report, exit 4 (cupsd drops the reason, the stop stays)
#   hang         the job hangs (processing, no reason) until cancelled
#   fail         exit 1: printer-error-policy decides; retry-job (Debian's
#                default, kept): job held 300 s, queue idle; stop-printer: stopped
# A stopped queue stays stopped when the fault goes away: `cupsenable
# kiosk-fault` restarts it and its pending job, which prints in the mode then
# in force; a job printed in mode ok removes the fault reasons. See README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
timeout=${CUPS_STACK_TIMEOUT:-10}
pdf_queue=kiosk-pdf
fault_queue=kiosk-fault
cups_pdf=/usr/lib/cups/backend/cups-pdf
cups_pdf_ppd=/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd
modes=" ok media-low media-empty jam offline offline-stop hang fail "

stack_name=cups-stack
# shellcheck source=../lib/daemons.sh
source "$here/../lib/daemons.sh"

# The filters and backends of this stack's cupsd (and their children, e.g.
# cups-pdf's gs): cupsd gives each CUPS_SERVERROOT=DIR/etc in its
# environment. They outlive a cupsd killed with SIGKILL.
children() {
    local f p
    # shellcheck disable=SC2013    # /proc/N/environ: no blanks
    for f in $(grep -lszxF "CUPS_SERVERROOT=$dir/etc" /proc/[0-9]*/environ); do
        p=${f#/proc/}
        p=${p%/environ}
        [[ $p == "$$" || $p == "$BASHPID" ]] || echo "$p"
    done
    return 0
}

# cupsd processes of this stack found by their arguments (one argument is
# exactly DIR/etc/cupsd.conf, the program is cupsd): for a pid file lost, or
# a DIR removed while its cupsd ran.
stray_cupsd() {
    local f p arg0
    # shellcheck disable=SC2013    # /proc/N/cmdline: no blanks
    for f in $(grep -lszxF "$dir/etc/cupsd.conf" /proc/[0-9]*/cmdline); do
        p=${f#/proc/}
        p=${p%/cmdline}
        arg0=$({ tr '\0' '\n' < "$f"; } 2>/dev/null) || continue
        arg0=${arg0%%$'\n'*}
        [[ ${arg0##*/} == cupsd ]] && echo "$p"
    done
    return 0
}

end_stray_cupsd() {
    local pid
    for pid in $(stray_cupsd); do
        note "cupsd pid $pid runs with $dir/etc/cupsd.conf but not from $dir/cupsd.pid: ending it"
        echo "$pid" > "$dir/.stray.pid" 2>/dev/null || { kill -TERM "$pid" 2>/dev/null || true; continue; }
        end "$dir/.stray.pid" "$dir/etc/cupsd.conf" cupsd
    done
}

end_children() {
    local pids i
    pids=$(children)
    [[ -n $pids ]] || return 0
    note "ending filters/backends left by cupsd: $(tr '\n' ' ' <<< "$pids")"
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
        pids=$(children)
        [[ -n $pids ]] || return 0
        sleep 0.1
    done
    note "still running after ${timeout}s, SIGKILL: $(tr '\n' ' ' <<< "$pids")"
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
}

load_env() {
    [[ -f $dir/env ]] || die "$dir/env not found: run 'cups-stack.sh start $dir' first"
    # shellcheck disable=SC1091
    source "$dir/env"
}

check_tools() {
    local t
    for t in cupsd lpadmin lpstat cupsenable cupsaccept; do
        command -v "$t" >/dev/null || die "$t not found: apt-get install cups cups-client"
    done
    [[ -x $cups_pdf ]] || die "$cups_pdf not found: apt-get install printer-driver-cups-pdf"
    [[ -f $cups_pdf_ppd ]] || die "$cups_pdf_ppd not found: apt-get install printer-driver-cups-pdf"
    [[ -x /usr/bin/gs ]] || die "/usr/bin/gs (used by cups-pdf) not found: apt-get install ghostscript"
    for t in pdftopdf pdftops; do
        [[ -x /usr/lib/cups/filter/$t ]] || die "filter $t not found: apt-get install cups-filters"
    done
    [[ -f $here/fault-backend ]] || die "$here/fault-backend not found"
    getent passwd lp >/dev/null || die "no user lp (cupsd runs its filters as lp)"
}


# The PPD of kiosk-pdf: Debian's CUPS-PDF_opt.ppd plus the cups-pdf settings
# it honours from a PPD (cups-pdf 3.0.1 reads /etc/cups/cups-pdf.conf, then
# the PPD's defaults, then the job's options for a few). libcups cuts a PPD
# default at its first '/' (the start of a translation), so the paths are
# relative, one component each: cups-pdf has no chdir and runs in cupsd's
# working directory, which start makes DIR.
write_ppd() {
    cat "$cups_pdf_ppd"
    cat <<'EOF'

*% ---- Added by Guichet's tests/print/cups-stack.sh. cups-pdf reads these
*% defaults as settings (relative to its working directory, the stack's DIR):
*% the PDFs go to DIR/pdf instead of ~/PDF, its log to DIR/log, its spool
*% and ghostscript's temporary files to DIR/cups-pdf-spool and DIR/cups-pdf-tmp.
*OpenGroup: CupsStack/Test stack
*OpenUI *Out/Output directory: PickOne
*DefaultOut: pdf
*Out pdf/DIR-pdf: ""
*CloseUI: *Out
*OpenUI *AnonDirName/Output directory of unknown users: PickOne
*DefaultAnonDirName: pdf
*AnonDirName pdf/DIR-pdf: ""
*CloseUI: *AnonDirName
*OpenUI *Log/Log directory: PickOne
*DefaultLog: log
*Log log/DIR-log: ""
*CloseUI: *Log
*OpenUI *Spool/Spool directory: PickOne
*DefaultSpool: cups-pdf-spool
*Spool cups-pdf-spool/DIR-cups-pdf-spool: ""
*CloseUI: *Spool
*OpenUI *GSTmp/Ghostscript temporary directory: PickOne
*DefaultGSTmp: cups-pdf-tmp
*GSTmp cups-pdf-tmp/DIR-cups-pdf-tmp: ""
*CloseUI: *GSTmp
*OpenUI *UserUMask/Output file umask: PickOne
*DefaultUserUMask: 0000
*UserUMask 0000/Everyone reads and writes: ""
*CloseUI: *UserUMask
*CloseGroup: CupsStack
EOF
}

write_conf() {
    cat > "$dir/etc/cups-files.conf" <<EOF
# cups-stack.sh: everything in $dir
ServerRoot $dir/etc
ServerBin $dir/serverbin
ServerKeychain $dir/etc/ssl
RequestRoot $dir/spool
TempDir $dir/spool/tmp
CacheDir $dir/cache
StateDir $dir/run
ErrorLog $dir/log/error_log
AccessLog $dir/log/access_log
PageLog $dir/log/page_log
LogFilePerm 0644
Printcap
CreateSelfSignedCerts no
SystemGroup root lpadmin
User lp
Group lp
EOF
    cat > "$dir/etc/cupsd.conf" <<EOF
# cups-stack.sh: a unix socket only, no browsing, no authentication
LogLevel debug
MaxLogSize 0
Listen $dir/run/cups.sock
Browsing No
BrowseLocalProtocols none
DefaultShared No
WebInterface No
DefaultAuthType None
DirtyCleanInterval 0
JobKillDelay 5
# as Debian's /etc/cups/cupsd.conf (the man page's default is stop-printer):
# a backend's exit 1 holds the job for JobRetryInterval (300 s), queue idle
ErrorPolicy retry-job
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  SubscriptionPrivateAccess all
  SubscriptionPrivateValues none
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
EOF
}

# cupsd answers on the socket (lpstat -r), or gives up at the timeout
wait_cupsd() {
    local pid=$1 i
    for ((i = 0; i < timeout * 20; i++)); do
        if [[ -S $sock ]] && [[ $(CUPS_SERVER=$sock lpstat -r 2>/dev/null) == "scheduler is running" ]]; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

cmd_start() {
    check_tools
    if alive "$dir/cupsd.pid" "$dir/etc/cupsd.conf"; then
        die "a stack already runs in $dir (cupsd pid $(cat "$dir/cupsd.pid")): stop it first"
    fi
    # cupsd's configuration files split at blanks and quotes
    [[ $dir =~ ^[A-Za-z0-9/._+,:=@~-]+$ ]] \
        || die "DIR may only hold A-Z a-z 0-9 / . _ + , : = @ ~ - (cupsd.conf has no quoting): $dir"
    sock=$dir/run/cups.sock
    ((${#sock} < 108)) || die "socket path $sock is ${#sock} characters, a unix socket allows 107: use a shorter DIR"
    local t0=$EPOCHREALTIME pid i

    end_stray_cupsd  # a cupsd of this DIR whose pid file was lost
    end_children     # left by a cupsd killed without 'stop'
    rm -rf "${dir:?}/etc" "$dir/run" "$dir/spool" "$dir/cache" "$dir/log" "$dir/serverbin" \
        "$dir/pdf" "$dir/fault-out" "$dir/cups-pdf-spool" "$dir/cups-pdf-tmp"
    rm -f "$dir/env" "$dir/fault" "$dir/kiosk-pdf.ppd"
    mkdir -p "$dir/etc/ppd" "$dir/etc/ssl" "$dir/run" "$dir/spool/tmp" "$dir/cache" "$dir/log" \
        "$dir/serverbin/backend" "$dir/pdf" "$dir/fault-out" "$dir/cups-pdf-spool" "$dir/cups-pdf-tmp"
    # The filters run as lp, cups-pdf's ghostscript as the job's user: they
    # go through DIR (mktemp -d makes it 0700), and write the PDFs.
    chmod go+x "$dir"
    chmod 1777 "$dir/pdf" "$dir/cups-pdf-tmp"
    chmod 0755 "$dir/serverbin" "$dir/serverbin/backend" "$dir/log" "$dir/fault-out"
    if ! setpriv --reuid=lp --regid=lp --clear-groups test -x "$dir/spool" 2>/dev/null; then
        die "user lp cannot reach $dir (a parent directory without x for others?): cupsd's filters run as lp"
    fi

    # ServerBin: the system's programs, but only our two backends. cupsd runs
    # a backend as root when it has no permission for group and others (0700,
    # like Debian's cups-pdf, which needs root), as lp otherwise; it refuses
    # one that is group/world-writable or not owned by root, or whose
    # directory is (cupsFileCheck; stat follows the symlink).
    for i in filter daemon cgi-bin monitor notifier driver; do
        ln -s "/usr/lib/cups/$i" "$dir/serverbin/$i"
    done
    ln -s "$cups_pdf" "$dir/serverbin/backend/cups-pdf"
    install -m 0700 -o root -g root "$here/fault-backend" "$dir/serverbin/backend/fault"
    # the system's raw types (application/octet-stream), read-only
    for i in raw.types raw.convs; do
        [[ -f /etc/cups/$i ]] && cp "/etc/cups/$i" "$dir/etc/$i"
    done
    write_conf
    write_ppd > "$dir/kiosk-pdf.ppd"
    echo ok > "$dir/fault"

    cupsd -t -c "$dir/etc/cupsd.conf" -s "$dir/etc/cups-files.conf" > "$dir/log/cupsd-t.log" 2>&1 \
        || { cat "$dir/log/cupsd-t.log" >&2; die "cupsd -t rejects the configuration"; }
    # the working directory is DIR: cups-pdf's relative paths (see write_ppd)
    (cd "$dir" && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        cupsd -f -c "$dir/etc/cupsd.conf" -s "$dir/etc/cups-files.conf") \
        > "$dir/log/cupsd.out" 2>&1 < /dev/null &
    pid=$!
    echo "$pid" > "$dir/cupsd.pid"
    if ! wait_cupsd "$pid"; then
        tail -n 20 "$dir/log/cupsd.out" "$dir/log/error_log" >&2 2>/dev/null || true
        if kill -0 "$pid" 2>/dev/null; then
            cmd_stop
            die "cupsd does not answer on $sock after ${timeout}s (log: $dir/log/error_log)"
        fi
        rm -f "$dir/cupsd.pid"
        die "cupsd exited at start (logs: $dir/log/cupsd.out, $dir/log/error_log)"
    fi
    local t_up
    t_up=$(elapsed "$t0")

    local fault_uri
    fault_uri="fault:$(uri_encode "$dir")"
    # lpadmin warns that PPDs ("printer drivers") are deprecated: true, but
    # cups-pdf has no other way in CUPS 2.4. No -m/-P: a raw queue.
    # cups-pdf wants PostScript. Ghostscript's ps2write rasterises a whole
    # page that pdftopdf wrapped in a transparency group (cairo's PDFs have
    # one), which would leave the output PDF with no text for pdftotext to
    # find; poppler's pdftocairo keeps the text and the fonts.
    if ! CUPS_SERVER=$sock lpadmin -p "$pdf_queue" -D "Guichet test: cups-pdf into $dir/pdf" \
            -v cups-pdf:/ -P "$dir/kiosk-pdf.ppd" -E -o pdftops-renderer-default=pdftocairo \
            2> "$dir/log/lpadmin.err" \
        || ! CUPS_SERVER=$sock lpadmin -p "$fault_queue" -D "Guichet test: fault-injecting raw queue" \
            -v "$fault_uri" -E 2>> "$dir/log/lpadmin.err" \
        || ! CUPS_SERVER=$sock cupsenable "$pdf_queue" "$fault_queue" \
        || ! CUPS_SERVER=$sock cupsaccept "$pdf_queue" "$fault_queue"; then
        grep -v 'drivers are deprecated' "$dir/log/lpadmin.err" >&2 || true
        cmd_stop
        die "could not create the queues (log: $dir/log/error_log)"
    fi
    local q
    for q in "$pdf_queue" "$fault_queue"; do
        [[ $(CUPS_SERVER=$sock lpstat -p "$q" 2>&1) == "printer $q is idle.  enabled"* ]] \
            || { cmd_stop; die "queue $q is not idle and enabled (log: $dir/log/error_log)"; }
        [[ $(CUPS_SERVER=$sock lpstat -a "$q" 2>&1) == "$q accepting"* ]] \
            || { cmd_stop; die "queue $q does not accept jobs (log: $dir/log/error_log)"; }
    done

    local ipp_host
    ipp_host=$(uri_encode "$sock")
    ipp_host=${ipp_host//\//%2F}
    {
        printf 'export CUPS_SERVER=%q\n' "$sock"
        printf 'export CUPS_STACK_DIR=%q\n' "$dir"
        printf 'export CUPS_STACK_PDF_QUEUE=%q\n' "$pdf_queue"
        printf 'export CUPS_STACK_PDF_DIR=%q\n' "$dir/pdf"
        printf 'export CUPS_STACK_FAULT_QUEUE=%q\n' "$fault_queue"
        printf 'export CUPS_STACK_FAULT=%q\n' "$dir/fault"
        printf 'export CUPS_STACK_FAULT_OUT=%q\n' "$dir/fault-out"
        printf 'export CUPS_STACK_LOG=%q\n' "$dir/log/error_log"
        printf 'export CUPS_STACK_IPP_PDF=%q\n' "ipp://$ipp_host/printers/$pdf_queue"
        printf 'export CUPS_STACK_IPP_FAULT=%q\n' "ipp://$ipp_host/printers/$fault_queue"
    } > "$dir/env.tmp"
    mv "$dir/env.tmp" "$dir/env"
    note "started in $(elapsed "$t0") (cupsd answering after $t_up): cupsd pid $pid, socket $sock, queues $pdf_queue $fault_queue"
}

cmd_fault() {
    local mode=$1
    [[ $modes == *" $mode "* ]] || die "unknown fault mode '$mode' (one of:$modes)"
    [[ -d $dir/serverbin ]] || die "$dir holds no stack: run 'cups-stack.sh start $dir' first"
    echo "$mode" > "$dir/fault.tmp"
    mv -f "$dir/fault.tmp" "$dir/fault"
}

cmd_stop() {
    if [[ ! -d $dir ]]; then    # never started, or removed under a running stack
        local pids i
        pids=$(stray_cupsd)
        if [[ -n $pids ]]; then
            note "cupsd $(tr '\n' ' ' <<< "$pids")runs with $dir/etc/cupsd.conf, whose directory is gone: ending it"
            # shellcheck disable=SC2086
            kill -TERM $pids 2>/dev/null || true
            for ((i = 0; i < timeout * 10; i++)); do
                [[ -n $(stray_cupsd) ]] || break
                sleep 0.1
            done
            pids=$(stray_cupsd)
            # shellcheck disable=SC2086
            [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
        fi
        end_children
        return 0
    fi
    end "$dir/cupsd.pid" "$dir/etc/cupsd.conf" cupsd
    end_stray_cupsd
    end_children
    rm -f "$dir/env" "$dir/run/cups.sock" "$dir/run/cupsd.pid"
}

cmd_status() {
    load_env
    if alive "$dir/cupsd.pid" "$dir/etc/cupsd.conf"; then
        echo "cupsd: pid $(cat "$dir/cupsd.pid"), socket $CUPS_SERVER"
    else
        echo "cupsd: not running"
    fi
    echo "fault mode: $(head -n 1 "$dir/fault" 2>/dev/null || echo ok)"
    lpstat -t || true
    local q
    for q in "$pdf_queue" "$fault_queue"; do
        echo "printer-state-reasons of $q: $(lpstat -l -p "$q" 2>/dev/null | sed -n 's/^\tAlerts: //p')"
    done
}

[[ $# -ge 2 ]] || usage
cmd=$1
if [[ $cmd == stop && ! -d $2 ]]; then
    [[ $# -eq 2 ]] || usage
    dir=$(realpath -m -- "$2")
    cmd_stop        # nothing was started there, or DIR was removed
    exit 0
fi
dir=$(absdir "$2")
case $cmd in
    start)  [[ $# -eq 2 ]] || usage; cmd_start ;;
    fault)  [[ $# -eq 3 ]] || usage; cmd_fault "$3" ;;
    stop)   [[ $# -eq 2 ]] || usage; cmd_stop ;;
    status) [[ $# -eq 2 ]] || usage; cmd_status ;;
    *) usage ;;
esac
