#!/usr/bin/env bash
# Turns the installed tree into the appliance: the settings no package
# makes, the units on and off, the receipt printer's queue, and, for the
# boot test only, a root shell on the serial port. build-image.sh runs it as
# mmdebstrap's customize hook, after every package is installed and before
# the tree becomes a file system.
#
#   configure-rootfs.sh ROOT TEST_CONSOLE(0|1)
set -euo pipefail

root=$1
test_console=$2
: "${SOURCE_DATE_EPOCH:?build-image.sh exports it}"
in_root() { chroot "$root" "$@"; }
write() { mkdir -p "$(dirname "$root/$1")"; cat >"$root/$1"; }

# [SECTION] The machine's identity
# Every kiosk is the same image: the host name is the same everywhere, the
# machine id is left empty; the initramfs (scripts/init-bottom/
# guichet-machine-id) makes one at the first boot and keeps it on the data
# partition.
echo guichet >"$root/etc/hostname"
write etc/hosts <<'EOF'
127.0.0.1	localhost
127.0.1.1	guichet
::1		localhost ip6-localhost ip6-loopback
EOF
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
echo 'LANG=C.UTF-8' >"$root/etc/default/locale"
echo 'LANG=C.UTF-8' >"$root/etc/locale.conf"
ln -sfn ../usr/share/zoneinfo/Europe/Paris "$root/etc/localtime"
echo Europe/Paris >"$root/etc/timezone"
# DNS through resolved's stub on 127.0.0.53, filled by networkd's DHCP.
ln -sfn ../run/systemd/resolve/stub-resolv.conf "$root/etc/resolv.conf"
# The data partition's mount point (etc/fstab).
mkdir -p "$root/data"

# [SECTION] Units
in_root systemctl set-default graphical.target
in_root systemctl enable systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
    guichet-kiosk.service cups.service pcscd.socket
# tty1 is the kiosk's; no prompt under it, nor anywhere else.
in_root systemctl disable getty@tty1.service
in_root systemctl mask getty@tty1.service
# Nothing asks questions at the first boot, and nothing writes to the
# read-only root on a timer: package updates are the fleet's business
# (docs/image.md, "Updates").
in_root systemctl mask systemd-firstboot.service apt-daily.timer apt-daily-upgrade.timer \
    dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service
# systemd updates the hardware database, ld.so.cache and the like at boot
# when /usr is newer than these stamps (ConditionNeedsUpdate=): it is not,
# the image was made whole.
for stamp in etc/.updated var/.updated; do
    printf 'TIMESTAMP_NSEC=%s000000000\n' "$SOURCE_DATE_EPOCH" >"$root/$stamp"
done
in_root systemd-hwdb update
# The journal is on the data partition (etc/fstab), mounted over the tmpfs
# of /var/log: nothing of it is in the root.
rm -rf "$root/var/log/journal"

# [SECTION] CUPS: local only, no job kept after printing, the receipts' queue
cupsd_conf=$root/etc/cups/cupsd.conf
# Loopback and the local socket only (Debian's default), no browsing.
grep -q '^Listen localhost:631' "$cupsd_conf"
sed -i -e 's/^Port 631$/# Port 631 (the kiosk listens on loopback only)/' \
    -e 's/^Browsing .*/Browsing No/' "$cupsd_conf"
cat >>"$cupsd_conf" <<'EOF'

# Guichet: receipts may hold personal data; CUPS keeps neither the printed
# document nor the job's history once it is printed.
PreserveJobFiles No
PreserveJobHistory No
EOF
# The receipts' queue, `recus`, which /etc/guichet/config.json names. The
# image does not know the printer: the queue is stopped, saying why, until
# a technician points it at the real one (docs/image.md, "The receipt
# printer"); the kiosk meanwhile says its printer is out of service and
# shows the tracking code on screen.
write etc/cups/printers.conf <<EOF
# Printer configuration file for CUPS v2.4.2
# Written by the Guichet image (image/configure-rootfs.sh)
NextPrinterId 2
<Printer recus>
PrinterId 1
UUID urn:uuid:6a5b2f3e-0c1d-4e7a-9b8c-1d2e3f405162
Info Imprimante des reçus
Location Borne Guichet
MakeModel Local Raw Printer
DeviceURI usb://Guichet/a-configurer
State Stopped
StateMessage Imprimante non configurée : lpadmin -p recus -v URI -m MODELE -E
StateTime $SOURCE_DATE_EPOCH
ConfigTime $SOURCE_DATE_EPOCH
Reason offline-report
Type 4
Accepting Yes
Shared No
JobSheets none none
QuotaPeriod 0
PageLimit 0
KLimit 0
OpPolicy default
ErrorPolicy retry-job
</Printer>
EOF
chmod 0600 "$root/etc/cups/printers.conf"
chown root:lp "$root/etc/cups/printers.conf"

# [SECTION] The test hook
if [[ $test_console -eq 1 ]]; then
    # FOR THE BOOT TEST ONLY (build-image.sh --test-console): a root shell,
    # logged in, on the second serial port (the first is the console). A
    # production image has no getty on any serial port and no console= for
    # one on the kernel's line.
    write etc/systemd/system/serial-getty@ttyS1.service.d/guichet-test-autologin.conf <<'EOF'
# FOR THE BOOT TEST ONLY: root is logged in on ttyS1 (image --test-console).
[Service]
ExecStart=
ExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200,57600,38400,9600 - $TERM
EOF
    in_root systemctl enable serial-getty@ttyS1.service
    echo "This image was built with --test-console: root is logged in on ttyS1. Not for a kiosk." \
        >"$root/etc/guichet/TEST-CONSOLE"
fi

# [SECTION] What the build leaves behind
rm -rf "$root/var/log/"* "$root/var/cache/debconf/"*-old "$root/var/lib/dpkg/"*-old \
    "$root/var/cache/apt/"*.bin "$root/var/cache/ldconfig/aux-cache"
