#!/usr/bin/python3
"""Boots the appliance image under qemu-system-x86_64 with software
emulation (TCG, never KVM: CI machines may have none) and checks it as a
technician would: from a shell on a serial port (the --test-console hook),
through the QEMU monitor's screendump, by killing the kiosk, and by
rebooting it (what the previous boot logged, the same machine id).

    boot_check.py --image DIR/guichet.img --out DIR [--timeout SECONDS]

Serial ports: ttyS0 is the console (kernel and systemd, to DIR/console.log),
ttyS1 the test hook's root shell (a unix socket; DIR/shell.log). Every
check polls with a deadline and fails with what it saw; the figures
(boot-to-kiosk time, restart time) are printed as they come.
Exit 0 when every check passed, 1 otherwise.
"""

import argparse
import codecs
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

from PIL import Image, ImageStat

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"

# What may listen on an address other than loopback: networkd's DHCP
# clients, which receive their leases' renewals (docs/image.md, "Network").
ALLOWED_LISTENERS = {
    ("udp", "68", "systemd-network"),
    ("udp", "546", "systemd-network"),
}

# Words of the first-boot wizard's first screen (« Mise en service de la
# borne », « Bienvenue. Mettons cette borne en service. », « Commencer »):
# the image is not enrolled, so the kiosk must show it. The OCR must read
# one of them.
WIZARD_WORDS = ("bienvenue", "mise en service", "commencer", "réseau")

failures = []
started = time.monotonic()


def say(text):
    print(f"[boot {time.monotonic() - started:6.1f}s] {text}", flush=True)


def check(ok, what, detail=""):
    say(("PASS " if ok else "FAIL ") + what + (f": {detail}" if detail else ""))
    if not ok:
        failures.append(what)
    return ok


def connect_unix(path, deadline):
    while True:
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class Shell:
    """The root shell on ttyS1. Each command's output is framed by markers
    that its echo cannot contain (the echo shows printf's %d, the output
    the number)."""

    def __init__(self, path, log_path, deadline):
        self.sock = connect_unix(path, deadline)
        self.sock.settimeout(0.5)
        self.buffer = ""
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")
        # A character's bytes may arrive in two reads.
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.count = 0

    def _read(self):
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return
        if not data:
            raise RuntimeError("the serial port closed (did qemu stop?)")
        text = self.decoder.decode(data).replace("\r", "")
        self.log.write(text)
        self.log.flush()
        self.buffer += text

    def send(self, line):
        self.sock.sendall(line.encode() + b"\n")

    def wait_ready(self, deadline):
        """Until the autologin shell answers; the boot may take minutes."""
        while time.monotonic() < deadline:
            self.count += 1
            token = f"@@READY{self.count}@@"
            self.send(f"stty -echo 2>/dev/null; printf '@@READY%d@@\\n' {self.count}")
            until = time.monotonic() + 5
            while time.monotonic() < until:
                self._read()
                if token in self.buffer:
                    self.buffer = ""
                    self.send("export PS1= PS2= TERM=dumb PAGER=cat SYSTEMD_PAGER= SYSTEMD_COLORS=0 COLUMNS=200; stty cols 200")
                    self.run("true", timeout=30)
                    return True
        return False

    def run(self, command, timeout=60):
        """Runs COMMAND; returns (exit status, output)."""
        self.count += 1
        n = self.count
        self.send(f"printf '\\n@@B%d@@\\n' {n}; {command}\nprintf '\\n@@E%d:%d@@\\n' {n} $?")
        pattern = re.compile(rf"@@B{n}@@\n(.*?)\n?@@E{n}:(\d+)@@", re.S)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._read()
            match = pattern.search(self.buffer)
            if match:
                self.buffer = self.buffer[match.end():]
                return int(match.group(2)), match.group(1).strip("\n")
        raise TimeoutError(f"no answer to `{command}` within {timeout}s")


class Monitor:
    """The QEMU human monitor on a unix socket."""

    def __init__(self, path, deadline):
        self.sock = connect_unix(path, deadline)
        self.sock.settimeout(30)
        self._until_prompt()

    def _until_prompt(self):
        data = b""
        while not data.endswith(b"(qemu) "):
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("the QEMU monitor closed")
            data += chunk
        return data.decode(errors="replace")

    def command(self, line):
        self.sock.sendall(line.encode() + b"\n")
        return self._until_prompt()


def screendump(monitor, out_dir, name):
    ppm = os.path.join(out_dir, name + ".ppm")
    png = os.path.join(out_dir, name + ".png")
    if os.path.exists(ppm):
        os.unlink(ppm)
    monitor.command(f"screendump {ppm}")
    deadline = time.monotonic() + 10
    while not os.path.exists(ppm) and time.monotonic() < deadline:
        time.sleep(0.2)
    image = Image.open(ppm).convert("RGB")
    image.save(png)
    os.unlink(ppm)
    return png, image


def picture_facts(image):
    """How far the picture is from a uniform one: colours and spread."""
    small = image.resize((image.width // 4, image.height // 4))
    colours = len(small.getcolors(maxcolors=1 << 20) or [])
    spread = max(ImageStat.Stat(image).stddev)
    return colours, spread


def ocr(png):
    if not shutil.which("tesseract"):
        return None
    result = subprocess.run(["tesseract", png, "-", "-l", "fra"], capture_output=True, text=True, timeout=120)
    return result.stdout if result.returncode == 0 else None


def kiosk_pids(shell):
    """(cage's PID, the kiosk's PID, its user) or None."""
    status, main = shell.run("systemctl show -p MainPID --value guichet-kiosk")
    if status != 0 or not main.strip().isdigit() or main.strip() == "0":
        return None
    main = main.strip()
    status, children = shell.run(f"ps -o pid=,user=,comm= --ppid {main}")
    for line in children.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2] == "kiosk":
            return main, fields[0], fields[1]
    return None


def wait_kiosk_active(shell, deadline, not_pid=None):
    """Until the unit is active with a kiosk under cage (another one than
    not_pid); returns (cage, kiosk, user) or None."""
    while time.monotonic() < deadline:
        status, state = shell.run("systemctl is-active guichet-kiosk")
        if state.strip() == "active":
            pids = kiosk_pids(shell)
            if pids and pids[1] != not_pid:
                return pids
        time.sleep(2)
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--image", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--timeout", type=int, default=600, help="boot to kiosk, seconds")
    parser.add_argument("--memory", default="2048")
    parser.add_argument("--cpus", default="2")
    args = parser.parse_args()

    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    vars_copy = os.path.join(out, "OVMF_VARS.fd")
    shutil.copyfile(OVMF_VARS, vars_copy)
    shell_sock = os.path.join(out, "shell.sock")
    monitor_sock = os.path.join(out, "monitor.sock")
    for path in (shell_sock, monitor_sock):
        if os.path.exists(path):
            os.unlink(path)
    # The guest writes to a disk of its own over the image (qcow2), which
    # stays as built; the disk lasts across the reboot.
    disk = os.path.join(out, "disk.qcow2")
    if os.path.exists(disk):
        os.unlink(disk)
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", os.path.abspath(args.image), disk],
                   check=True)
    qemu = [
        "qemu-system-x86_64",
        "-machine", "q35", "-accel", "tcg,thread=multi",
        "-smp", args.cpus, "-m", args.memory,
        "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
        "-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}",
        "-drive", f"file={disk},format=qcow2,if=virtio",
        # virtio-vga: wlroots 0.15 (cage) needs a DRM driver that imports PRIME
        # buffers, which bochs-drm (-vga std) does not.
        "-vga", "virtio", "-display", "none",
        # No way out: user networking without a route to the host's network.
        "-netdev", "user,id=net0,restrict=on", "-device", "virtio-net-pci,netdev=net0",
        "-serial", f"file:{os.path.join(out, 'console.log')}",
        "-serial", f"unix:{shell_sock},server=on,wait=off",
        "-monitor", f"unix:{monitor_sock},server=on,wait=off",
        # A reboot ends qemu: the test starts it again on the same disk.
        "-no-reboot",
    ]
    say("starting " + " ".join(qemu))
    qemu_log = open(os.path.join(out, "qemu.log"), "w")
    processes = [subprocess.Popen(qemu, stdout=qemu_log, stderr=subprocess.STDOUT)]
    boot_start = time.monotonic()

    def boot_again():
        for path in (shell_sock, monitor_sock):
            if os.path.exists(path):
                os.unlink(path)
        processes.append(subprocess.Popen(qemu, stdout=qemu_log, stderr=subprocess.STDOUT))
        return processes[-1]

    try:
        return run_checks(args, out, processes[0], boot_start, shell_sock, monitor_sock, boot_again)
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def run_checks(args, out, process, boot_start, shell_sock, monitor_sock, boot_again):
    deadline = boot_start + args.timeout
    monitor = Monitor(monitor_sock, time.monotonic() + 30)
    shell = Shell(shell_sock, os.path.join(out, "shell.log"), time.monotonic() + 30)
    if not check(shell.wait_ready(deadline), "the test hook's shell answers on ttyS1"):
        return 1
    say(f"FIGURE shell on ttyS1 after {time.monotonic() - boot_start:.1f}s")

    # 1. The kiosk's unit, from the serial console.
    pids = wait_kiosk_active(shell, deadline)
    if not check(pids is not None, "guichet-kiosk is active with the kiosk under cage"):
        print(shell.run("systemctl status --no-pager -l guichet-kiosk; journalctl -b -u guichet-kiosk --no-pager | tail -60", 60)[1])
        return 1
    boot_to_kiosk = time.monotonic() - boot_start
    # The guest's own clock: from the kernel's start to the kiosk's READY=1
    # (its first frame). The host's figure adds the firmware and the boot
    # loader, and is rounded up by the polling.
    _, ready_us = shell.run("systemctl show -p ActiveEnterTimestampMonotonic --value guichet-kiosk")
    _, startup = shell.run("systemd-analyze time 2>/dev/null | head -1")
    say(f"FIGURE kernel start to the kiosk's first frame (guest clock): {int(ready_us or 0) / 1e6:.1f}s under TCG")
    say(f"FIGURE qemu start to the kiosk seen active (host clock, polled): {boot_to_kiosk:.1f}s; {startup.strip()}")
    cage, kiosk, user = pids
    _, cage_comm = shell.run(f"ps -o comm= -p {cage}")
    check(cage_comm.strip() == "cage", "the unit's main process is cage", cage_comm.strip())
    check(user == "kiosk", "the kiosk runs as user kiosk", f"pid {kiosk} user {user}")
    _, ps = shell.run(f"ps -o user,pid,ppid,comm -p {cage},{kiosk}")
    print(ps)

    # The read-only root and the data partition.
    _, root_options = shell.run("findmnt -no OPTIONS /")
    check(root_options.split(",")[0] == "ro", "the root is mounted read-only", root_options)
    status, _ = shell.run("touch /etc/guichet/written 2>/dev/null")
    check(status != 0, "/etc cannot be written")
    _, data = shell.run("findmnt -no SOURCE,FSTYPE,OPTIONS /var/lib/guichet; blkid -L GUICHET-DATA")
    lines = data.splitlines()
    data_ok = (len(lines) == 2 and lines[0].split()[0].startswith(lines[1] + "[/kiosk]")
               and lines[0].split()[1] == "ext4" and lines[0].split()[2].startswith("rw"))
    check(data_ok, "/var/lib/guichet is the data partition (GUICHET-DATA), writable", " | ".join(lines))
    status, _ = shell.run("runuser -u kiosk -- touch /var/lib/guichet/.write-check && rm /var/lib/guichet/.write-check")
    check(status == 0, "the kiosk user can write its data folder")

    # Nothing listens on the network but what the kiosk needs.
    _, sockets = shell.run("ss -Htulpn")
    print(sockets)
    exposed = []
    for line in sockets.splitlines():
        fields = line.split()
        if len(fields) < 5:
            continue
        proto, local = fields[0], fields[4]
        address, _, port = local.rpartition(":")
        address = address.strip("[]").split("%")[0]
        loopback = address.startswith("127.") or address == "::1"
        process_name = re.search(r'users:\(\("([^"]+)"', line)
        name = process_name.group(1) if process_name else "?"
        if not loopback and (proto, port, name) not in ALLOWED_LISTENERS:
            exposed.append(f"{proto} {local} {name}")
    check(not exposed, "nothing listens on a non-loopback address (but networkd's DHCP clients)", "; ".join(exposed))
    _, sysrq = shell.run("cat /proc/sys/kernel/sysrq")
    check(sysrq.strip() == "0", "SysRq is off", sysrq.strip())
    status, _ = shell.run("modprobe -n -v usb-storage 2>&1 | grep -q /bin/false")
    check(status == 0, "USB mass storage cannot be loaded (modprobe.d)")
    _, vts = shell.run("systemctl is-active getty@tty1 getty@tty2 autovt@tty2; "
                       "systemd-analyze cat-config systemd/logind.conf | grep -E '^(NAutoVTs|ReserveVT)='")
    check(vts.split() == ["inactive", "inactive", "inactive", "NAutoVTs=0", "ReserveVT=0"],
          "no getty on any virtual terminal, none in reserve", " ".join(vts.split()))
    _, journal = shell.run("systemd-analyze cat-config systemd/journald.conf "
                           "| grep -E '^(Storage|RuntimeMaxUse|SystemMaxUse)='")
    check(journal.split() == ["Storage=persistent", "RuntimeMaxUse=48M", "SystemMaxUse=64M"],
          "the journal is kept and size-limited", " ".join(journal.split()))
    _, journal_at = shell.run("findmnt -no SOURCE /var/log/journal; blkid -L GUICHET-DATA; "
                              "ls /var/log/journal; cat /etc/machine-id")
    lines = journal_at.splitlines()
    check(len(lines) == 4 and lines[0].startswith(lines[1] + "[/journal]") and lines[2] == lines[3]
          and re.fullmatch(r"[0-9a-f]{32}", lines[3]) is not None,
          "the journal is on the data partition, in the folder of the machine id", " | ".join(lines))
    _, kept_id = shell.run("cat /data/machine-id")
    check(lines[3:] == [kept_id.strip()], "the machine id is the one kept on the data partition", kept_id.strip())
    _, cups = shell.run("grep -E '^(PreserveJobFiles|PreserveJobHistory|Browsing) ' /etc/cups/cupsd.conf | sort; "
                        "lpstat -p recus")
    check("PreserveJobFiles No" in cups and "PreserveJobHistory No" in cups and "Browsing No" in cups
          and "recus" in cups, "CUPS keeps no job and has the receipts' queue", " | ".join(cups.splitlines()))
    _, services = shell.run("systemctl is-active cups pcscd.socket systemd-networkd seatd")
    check(services.split() == ["active"] * 4, "cupsd, pcscd's socket, networkd and seatd are active",
          " ".join(services.split()))

    # 2. The screen, through the QEMU monitor.
    screen_deadline = time.monotonic() + 120
    words = []
    while True:
        png, image = screendump(monitor, out, "screen")
        colours, spread = picture_facts(image)
        text = ocr(png)
        words = [w for w in WIZARD_WORDS if text and w in text.lower()]
        if (colours > 16 and spread > 10 and (text is None or words)) or time.monotonic() > screen_deadline:
            break
        time.sleep(3)
    check(colours > 16 and spread > 10, "the screen is not uniform",
          f"{image.width}x{image.height}, {colours} colours, spread {spread:.1f}, {png}")
    if text is None:
        check(False, "the OCR runs", "tesseract (tesseract-ocr, tesseract-ocr-fra) is not installed: "
              "scripts/install-deps.sh installs it")
    else:
        check(bool(words), "the screen shows the first-boot wizard (OCR)",
              f"found {words}; read: {' '.join(text.split())[:300]}")
    _, wizard = shell.run("journalctl -b -u guichet-kiosk.service --no-pager | grep -c 'the first-boot wizard opens'")
    check(wizard.strip() not in ("", "0"), "the kiosk's journal says the first-boot wizard opened", wizard.strip())

    # 3. kioskctl inside the guest.
    status, help_text = shell.run("kioskctl --help")
    check(status == 0 and "kioskctl" in help_text, "kioskctl --help answers in the guest", help_text.splitlines()[0] if help_text else "")
    if check("selftest" in help_text, "kioskctl has the selftest command"):
        # As the kiosk's user, as a technician's `sudo -u kiosk` would. The
        # image has no reader, no configured printer, no sound card and is
        # not enrolled: those checks fail, and must say so.
        status, selftest = shell.run("runuser -u kiosk -- kioskctl selftest all --json 2>/dev/null", timeout=180)
        print(selftest)
        try:
            checks = {entry["check"]: entry for entry in json.loads(selftest)["checks"]}
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            checks = {}
            check(False, "kioskctl selftest --json gives its report", f"{error}: {selftest[:200]}")
        if checks:
            check(set(checks) == {"reader", "printer", "speech", "display", "hub", "clock"},
                  "kioskctl selftest checks every peripheral", ", ".join(sorted(checks)))
            display = checks.get("display", {})
            check(display.get("status") in ("pass", "warn") and display.get("detail", {}).get("screens"),
                  "selftest sees the screen", display.get("message", ""))
            printer = checks.get("printer", {})
            check(printer.get("detail", {}).get("queue") == "recus" and printer.get("status") == "fail",
                  "selftest finds the receipts' queue, stopped until a technician sets it up", printer.get("message", ""))
            check(checks.get("hub", {}).get("status") == "fail", "selftest says the kiosk is not enrolled",
                  checks.get("hub", {}).get("message", ""))
            check(status != 0, "kioskctl selftest exits non-zero when a check fails", f"exit {status}")

    # 4. Kill the kiosk: systemd starts it again.
    _, restarts_before = shell.run("systemctl show -p NRestarts --value guichet-kiosk")
    shell.run(f"kill -9 {kiosk}")
    killed_at = time.monotonic()
    again = wait_kiosk_active(shell, time.monotonic() + 180, not_pid=kiosk)
    _, restarts_after = shell.run("systemctl show -p NRestarts --value guichet-kiosk")
    if check(again is not None, "after kill -9 of the kiosk, systemd starts a new one",
             f"old pid {kiosk}, new {again[1] if again else None}, NRestarts {restarts_before} -> {restarts_after}"):
        say(f"FIGURE kill -9 to a new kiosk on screen: {time.monotonic() - killed_at:.1f}s")
        check(again[2] == "kiosk", "the new kiosk runs as user kiosk", again[2])
        check(int(restarts_after or 0) > int(restarts_before or 0), "systemd counted the restart")
    screendump(monitor, out, "screen-after-restart")

    # 5. Freeze the kiosk (SIGSTOP): its UI loop stops telling the watchdog
    # it turns, and systemd (WatchdogSec=30) kills the unit and starts it
    # again, as it would a kiosk stuck in a loop.
    if again is not None:
        frozen = again[1]
        _, restarts_before = shell.run("systemctl show -p NRestarts --value guichet-kiosk")
        shell.run(f"kill -STOP {frozen}")
        frozen_at = time.monotonic()
        thawed = wait_kiosk_active(shell, time.monotonic() + 180, not_pid=frozen)
        _, restarts_after = shell.run("systemctl show -p NRestarts --value guichet-kiosk")
        _, watchdog = shell.run("journalctl -b -u guichet-kiosk.service --no-pager | grep -c 'Watchdog timeout'")
        if check(thawed is not None and watchdog.strip() not in ("", "0"),
                 "a frozen kiosk is killed by systemd's watchdog and started again",
                 f"old pid {frozen}, new {thawed[1] if thawed else None}, NRestarts {restarts_before} -> "
                 f"{restarts_after}, 'Watchdog timeout' logged {watchdog.strip()} time(s)"):
            say(f"FIGURE frozen kiosk to a new one on screen: {time.monotonic() - frozen_at:.1f}s (WatchdogSec=30)")

    print(shell.run("systemctl --no-pager --failed")[1])
    print(shell.run("systemd-analyze 2>/dev/null || true")[1])

    # 6. Reboot: the morning after. The machine id is the same, and the
    # journal still has the previous boot, the watchdog's restart in it.
    _, machine_id = shell.run("cat /etc/machine-id")
    shell.run("journalctl --flush; sync")
    shell.send("systemctl reboot")
    reboot_at = time.monotonic()
    try:
        process.wait(timeout=180)
    except subprocess.TimeoutExpired:
        check(False, "the guest reboots (qemu ends at its reset, -no-reboot)")
        return 1
    boot_again()
    shell = Shell(shell_sock, os.path.join(out, "shell-after-reboot.log"), time.monotonic() + 30)
    if check(shell.wait_ready(time.monotonic() + args.timeout), "after a reboot, the test hook's shell answers"):
        again = wait_kiosk_active(shell, time.monotonic() + args.timeout)
        if check(again is not None, "after a reboot, the kiosk is active again"):
            say(f"FIGURE reboot to the kiosk active again: {time.monotonic() - reboot_at:.1f}s")
        _, machine_id_after = shell.run("cat /etc/machine-id")
        check(machine_id_after == machine_id and len(machine_id) == 32, "the machine id is kept across a reboot",
              f"{machine_id} then {machine_id_after}")
        # One line a boot, each with its 32-digit boot id (a header, in some
        # versions, has none).
        _, boots = shell.run("journalctl --list-boots --no-pager")
        listed = [line for line in boots.splitlines() if re.search(r"\b[0-9a-f]{32}\b", line)]
        check(len(listed) >= 2, "the journal keeps the previous boot", " | ".join(boots.splitlines()))
        _, watchdog = shell.run("journalctl -b -1 -u guichet-kiosk.service --no-pager | grep -c 'Watchdog timeout'")
        check(watchdog.strip() not in ("", "0"), "the previous boot's watchdog restart is in the journal",
              watchdog.strip())
        print(shell.run("systemctl --no-pager --failed")[1])

    say(f"{len(failures)} check(s) failed: {failures}" if failures else "every check passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
