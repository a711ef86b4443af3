#!/usr/bin/env python3
"""The kiosk speaks systemd's notify protocol as guichet-kiosk.service
expects (Type=notify, WatchdogSec=): READY=1 once its first frame is up,
then WATCHDOG=1 at half the watchdog's period from its UI loop, even while
nothing is drawn. systemd itself does not run here: this script binds the
notify socket that systemd would (NOTIFY_SOCKET) and reads what arrives;
the image's boot test (tests/image) checks the real unit under systemd.

Usage: watchdog_test.py KIOSK
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

kiosk = sys.argv[1]
failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message, file=sys.stderr)


def listen(env_extra, seconds):
    """Runs the kiosk for `seconds` with a notify socket; returns the
    messages and the times (from start) they arrived."""
    with tempfile.TemporaryDirectory(prefix="guichet-notify-") as work:
        path = os.path.join(work, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(0.2)
        env = dict(os.environ, NOTIFY_SOCKET=path, **env_extra)
        started = time.monotonic()
        kiosk_process = subprocess.Popen(
            [kiosk, "--headless", "--speech", "none", "--card", "none", "--data", os.path.join(work, "data"),
             "--printer", "pdf:" + os.path.join(work, "receipts")],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        messages = []
        while time.monotonic() - started < seconds:
            try:
                data = sock.recv(4096)
            except socket.timeout:
                if kiosk_process.poll() is not None:
                    break
                continue
            messages.append((time.monotonic() - started, data.decode()))
        alive = kiosk_process.poll() is None
        kiosk_process.terminate()
        try:
            _, stderr = kiosk_process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            kiosk_process.kill()
            _, stderr = kiosk_process.communicate()
        if not alive:
            fail("the kiosk exited early: " + stderr.decode()[-500:])
        return messages


# A 2 s watchdog: beats every second.
messages = listen({"WATCHDOG_USEC": "2000000"}, 6.0)
ready = [t for t, m in messages if "READY=1" in m]
beats = [t for t, m in messages if "WATCHDOG=1" in m]
if len(ready) != 1:
    fail(f"READY=1 came {len(ready)} times, not once")
elif beats and ready[0] > beats[0] + 0.001:
    fail("a beat came before READY=1")
if len(beats) < 4:
    fail(f"{len(beats)} beats in 6 s with a 2 s watchdog (expected one a second)")
gaps = [b - a for a, b in zip(beats, beats[1:])]
if gaps and max(gaps) > 1.6:
    fail(f"a gap of {max(gaps):.2f} s between beats, over the watchdog's half period")
print(f"check: READY=1 once at {ready[0] if ready else -1:.2f} s, {len(beats)} beats, "
      f"largest gap {max(gaps) if gaps else 0:.2f} s")

# No watchdog configured: READY=1 only, no beats.
messages = listen({}, 3.0)
if [m for _, m in messages if "WATCHDOG=1" in m and "READY=1" not in m]:
    fail("beats without a watchdog")
if len([m for _, m in messages if "READY=1" in m]) != 1:
    fail("no READY=1 without a watchdog")
print("check: without WatchdogSec, READY=1 and no beats")

sys.exit(1 if failures else 0)
