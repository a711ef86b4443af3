#!/usr/bin/env bash
# Builds the kiosk's appliance image: a Debian 12 (bookworm, amd64) disk
# image that boots by UEFI with systemd-boot, with a read-only root, a
# writable data partition and the kiosk under cage (docs/image.md).
#
#   image/build-image.sh --deb BUILD/guichet_0.1.0_amd64.deb --out DIR
#                        [--cache DIR] [--mirror URL] [--security-mirror URL]
#                        [--epoch SECONDS] [--pin MANIFEST] [--test-console]
#
# It needs root (mmdebstrap's root mode chroots into the tree and mounts
# /proc, /sys and /dev there), but no loop device and no mount of the
# image's own file systems: each is made in place in the disk file, from a
# folder, with `mkfs.ext4 -E offset= -d` and `mkfs.vfat --offset` + mtools:
#
#   DIR/guichet.img       the disk image (GPT: ESP, root, data)
#   DIR/manifest.txt      every package and version in the root
#   DIR/build-info.txt    epoch, mirror, sizes, checksums of the parts
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

usage() {
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

deb=""
out=""
cache="${XDG_CACHE_HOME:-$HOME/.cache}/guichet-image"
mirror="http://deb.debian.org/debian"
security_mirror=""
pin=""
test_console=0
# The image's clock: every file's time is clamped to it, and the file
# systems are made as if at that second. Defaults to the last commit's time
# so that the same sources give the same image.
epoch="${SOURCE_DATE_EPOCH:-}"
esp_mib=256
root_mib=2048
data_mib=512

while [[ $# -gt 0 ]]; do
    case "$1" in
    --deb) deb=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --cache) cache=$2; shift 2 ;;
    --mirror) mirror=$2; shift 2 ;;
    --security-mirror) security_mirror=$2; shift 2 ;;
    --epoch) epoch=$2; shift 2 ;;
    --pin) pin=$2; shift 2 ;;
    --root-size-mib) root_mib=$2; shift 2 ;;
    --data-size-mib) data_mib=$2; shift 2 ;;
    --test-console) test_console=1; shift ;;
    -h | --help) usage 0 ;;
    *) echo "build-image: unknown argument $1" >&2; usage 2 >&2 ;;
    esac
done

die() { echo "build-image: $*" >&2; exit 1; }
log() { printf '[build-image %(%H:%M:%S)T] %s\n' -1 "$*"; }

[[ -n "$deb" && -n "$out" ]] || usage 2 >&2
[[ -f "$deb" ]] || die "no such package: $deb"
[[ $(id -u) -eq 0 ]] || die "needs root (mmdebstrap --mode=root chroots into the tree)"
for tool in mmdebstrap mkfs.ext4 debugfs mkfs.vfat mcopy sfdisk faketime; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install mmdebstrap e2fsprogs dosfstools mtools fdisk faketime)"
done
if [[ -z "$epoch" ]]; then
    epoch=$(git -C "$here" log -1 --format=%ct 2>/dev/null || true)
    [[ -n "$epoch" ]] || die "--epoch is needed outside a git checkout"
fi
if [[ -z "$security_mirror" ]]; then
    # deb.debian.org/debian -> deb.debian.org/debian-security, as Debian's own mirrors are laid out.
    security_mirror="${mirror%/}-security"
fi
export SOURCE_DATE_EPOCH=$epoch
# mke2fs and e2fsck read this instead of the clock: the superblock's times.
export E2FSPROGS_FAKE_TIME=$epoch
# Our own mke2fs.conf, so that the host's e2fsprogs defaults do not change the file systems.
export MKE2FS_CONFIG=$here/mke2fs.conf
export LC_ALL=C.UTF-8 TZ=UTC

deb=$(realpath "$deb")
mkdir -p "$out" "$cache/archives"
out=$(realpath "$out")
cache=$(realpath "$cache")
work=$out/work
rm -rf "$work"
mkdir -p "$work"
# apt (outside the chroot) hands the kiosk's .deb to dpkg (inside) by its
# path: it is copied to the same path on both sides, under /tmp, which
# mmdebstrap empties in the tree at the end.
deb_dir=$(mktemp -d /tmp/guichet-image.XXXXXX)
trap 'rm -rf "$work" "$deb_dir"' EXIT

# Fixed identifiers, so that two builds of the same inputs give the same
# disk. Every kiosk carries the same ones: they name the image's partitions,
# not the machine (the machine id is made at boot, docs/image.md).
disk_guid=57377595-3a20-4d16-8bf4-9087751e6208
esp_partuuid=095c375c-b782-4442-b344-4f6291cf0831
root_partuuid=919591a7-f3e3-46f8-94cb-dcf0db697cdb
data_partuuid=c12678e0-d47d-4718-b755-5b3efe641e20
root_fsuuid=c29db83c-e3b1-4672-93de-648869a1e074
data_fsuuid=770ef66f-5dad-4221-abbc-2475f47d2e4e
# ext4 directory hashes are salted; a fixed salt per file system.
root_hash_seed=2f7c1d1e-5b5c-4a3b-9d0e-8c1a6e2b7f40
data_hash_seed=6a0e4f3c-1d2b-4c5e-8f7a-9b0c1d2e3f45

# mkfs.ext4 -d copies each file's ctime (which no one can set) and atime
# (which reading the tree moves) from the build host: set both to the epoch
# in the new file system, through debugfs. $2 is the file system, as
# debugfs names it (FILE?offset=BYTES).
clamp_ext4_times() {
    local tree=$1 filesystem=$2 commands=$work/debugfs.commands
    (cd "$tree" && find . -xdev -printf '%P\n') | awk -v t="@$epoch" '
        BEGIN { printf "sif / ctime %s\nsif / atime %s\n", t, t }
        NF { gsub(/"/, "\\\""); printf "sif \"/%s\" ctime %s\nsif \"/%s\" atime %s\n", $0, t, $0, t }' >"$commands"
    debugfs -w -f "$commands" "$filesystem" >"$work/debugfs.log" 2>&1
    if grep -v '^debugfs' "$work/debugfs.log" | grep -q .; then
        grep -v '^debugfs' "$work/debugfs.log" | head >&2
        die "debugfs could not set the times in $filesystem"
    fi
}

start=$(date +%s)

# [SECTION] The root file system
packages=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/packages.list" | tr -s ' \n' ' ')
if [[ -n "$pin" ]]; then
    # A previous image's manifest: every package at the version it had.
    packages=$(awk '!/^#/ && NF == 2 { printf "%s=%s ", $1, $2 }' "$pin")
fi
local_deb=$deb_dir/$(basename "$deb")
cp "$deb" "$local_deb"

log "mmdebstrap bookworm from $mirror (cache $cache/archives)"
bootstrap_start=$(date +%s)
mmdebstrap \
    --mode=root --variant=minbase --architectures=amd64 --components=main \
    --include="$packages" --include="$local_deb" \
    --aptopt='Acquire::Languages "none"' \
    --aptopt='APT::Install-Recommends "false"' \
    --dpkgopt='force-unsafe-io' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-include=/usr/share/doc/guichet/*' \
    --skip=essential/unlink \
    --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
    --setup-hook="sync-in '$cache/archives' /var/cache/apt/archives" \
    --setup-hook="mkdir -p \"\$1$deb_dir\" && cp '$local_deb' \"\$1$deb_dir/\"" \
    --essential-hook="cp -a '$here/rootfs/.' \"\$1/\"" \
    --customize-hook="sync-out /var/cache/apt/archives '$cache/archives'" \
    --customize-hook="'$here/configure-rootfs.sh' \"\$1\" $test_console" \
    bookworm "$work/root" \
    "deb $mirror bookworm main" \
    "deb $mirror bookworm-updates main" \
    "deb $security_mirror bookworm-security main"
bootstrap_seconds=$(($(date +%s) - bootstrap_start))
root=$work/root
rm -f "$cache/archives/lock"; rm -rf "$cache/archives/partial"

chroot "$root" dpkg-query -W -f='${Package} ${Version}\n' | sort >"$out/manifest.txt"

# [SECTION] The disk: GPT with the three partitions, 1 MiB aligned. Each
# file system is then made in place, at its partition's offset in the file:
# no loop device, no copy.
log "disk image"
disk=$out/guichet.img
esp_start=1
root_start=$((esp_start + esp_mib))
data_start=$((root_start + root_mib))
disk_mib=$((data_start + data_mib + 1))
rm -f "$disk"
truncate -s "${disk_mib}M" "$disk"
sfdisk --quiet --no-reread --no-tell-kernel "$disk" <<EOF
label: gpt
label-id: $disk_guid
unit: sectors
first-lba: 2048
start=$((esp_start * 2048)), size=$((esp_mib * 2048)), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=$esp_partuuid, name="esp"
start=$((root_start * 2048)), size=$((root_mib * 2048)), type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, uuid=$root_partuuid, name="guichet-root"
start=$((data_start * 2048)), size=$((data_mib * 2048)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=$data_partuuid, name="guichet-data"
EOF

# [SECTION] The EFI system partition: systemd-boot, the kernel, the initramfs
log "EFI system partition"
kernel=$(cd "$root/boot" && ls vmlinuz-* | sort -V | tail -1)
version=${kernel#vmlinuz-}
cmdline="root=PARTUUID=$root_partuuid ro rootfstype=ext4 systemd.gpt_auto=0"
if [[ $test_console -eq 1 ]]; then
    # The boot test logs the kernel and systemd from the first serial port;
    # the test hook's root shell is on the second (configure-rootfs.sh).
    cmdline+=" console=tty1 console=ttyS0,115200"
else
    cmdline+=" quiet loglevel=3 systemd.show_status=auto vt.global_cursor_default=0"
fi
esp=$work/esp
mkdir -p "$esp/EFI/BOOT" "$esp/EFI/systemd" "$esp/loader/entries" "$esp/guichet"
# The removable-media path: a PC boots it with no NVRAM entry, which is what
# a disk written with dd has.
cp "$root/usr/lib/systemd/boot/efi/systemd-bootx64.efi" "$esp/EFI/BOOT/BOOTX64.EFI"
cp "$root/usr/lib/systemd/boot/efi/systemd-bootx64.efi" "$esp/EFI/systemd/systemd-bootx64.efi"
cp "$root/boot/vmlinuz-$version" "$esp/guichet/vmlinuz"
cp "$root/boot/initrd.img-$version" "$esp/guichet/initrd.img"
# No menu, and no editor: the kernel's command line cannot be changed at
# the kiosk's keyboard (init=/bin/sh would be a root shell).
cat >"$esp/loader/loader.conf" <<EOF
default guichet.conf
timeout 0
editor no
auto-entries no
auto-firmware no
console-mode keep
EOF
cat >"$esp/loader/entries/guichet.conf" <<EOF
title   Guichet
version $version
linux   /guichet/vmlinuz
initrd  /guichet/initrd.img
options $cmdline
EOF
find "$esp" -exec touch -h -d "@$epoch" {} +
# --invariant fixes mkfs.vfat's volume id (1234-ABCD) and times; 1 KiB
# clusters keep 256 MiB well inside FAT32 (mtools reads the type from the
# number of clusters).
mkfs.vfat -F 32 -s 2 -h $((esp_start * 2048)) -n GUICHET-ESP --invariant --offset $((esp_start * 2048)) \
    "$disk" $((esp_mib * 1024)) >"$work/mkfs.vfat.log" 2>&1 || { cat "$work/mkfs.vfat.log"; die "mkfs.vfat failed"; }
# mtools stamps the folders it makes with the clock: stop it at the epoch
# (faketime's absolute, frozen form).
(cd "$esp" && MTOOLS_SKIP_CHECK=1 faketime -f "$(date -u -d "@$epoch" '+%Y-%m-%d %H:%M:%S')" \
    mcopy -s -m -i "$disk@@$((esp_start * 1024 * 1024))" EFI loader guichet ::/)

# [SECTION] The data partition: the kiosk's folder and CUPS's upper layer
log "data partition"
data=$work/data
kiosk_ids=$(chroot "$root" id -u kiosk):$(chroot "$root" id -g kiosk)
mkdir -p "$data/kiosk" "$data/cups/upper" "$data/cups/work" "$data/journal"
chmod 2755 "$data/journal"
chown "$kiosk_ids" "$data/kiosk"
chmod 0700 "$data/kiosk"
find "$data" -exec touch -h -d "@$epoch" {} +
mkfs.ext4 -q -F -L GUICHET-DATA -U "$data_fsuuid" \
    -E "hash_seed=$data_hash_seed,root_owner=0:0,offset=$((data_start * 1024 * 1024))" \
    -d "$data" "$disk" "${data_mib}M"
clamp_ext4_times "$data" "$disk?offset=$((data_start * 1024 * 1024))"

# [SECTION] The root partition
log "root partition"
# Clamp every time to the epoch: files the build wrote are newer.
find "$root" -xdev -newermt "@$epoch" -exec touch -h -d "@$epoch" {} +
used_mib=$(du -sm --apparent-size "$root" | cut -f1)
[[ $used_mib -lt $((root_mib * 85 / 100)) ]] || die "the root holds ${used_mib} MiB, too much for --root-size-mib $root_mib"
mkfs.ext4 -q -F -L GUICHET-ROOT -U "$root_fsuuid" \
    -E "hash_seed=$root_hash_seed,root_owner=0:0,offset=$((root_start * 1024 * 1024))" \
    -d "$root" "$disk" "${root_mib}M"
clamp_ext4_times "$root" "$disk?offset=$((root_start * 1024 * 1024))"
# A file system that outgrew its partition would have grown the file.
[[ $(stat -c %s "$disk") -eq $((disk_mib * 1024 * 1024)) ]] || die "a file system overflowed its partition"
sfdisk --verify "$disk" >/dev/null

total_seconds=$(($(date +%s) - start))
{
    echo "epoch $epoch ($(date -u -d "@$epoch" '+%Y-%m-%d %H:%M:%S UTC'))"
    echo "mirror $mirror"
    echo "security-mirror $security_mirror"
    echo "kiosk-package $(basename "$deb") $(sha256sum "$deb" | cut -d' ' -f1)"
    echo "kernel $version"
    echo "test-console $test_console"
    echo "root-used-mib $used_mib"
    # Each partition's, to tell which one differs when two builds do.
    for part in esp:$esp_start:$esp_mib root:$root_start:$root_mib data:$data_start:$data_mib; do
        IFS=: read -r name part_start part_mib <<<"$part"
        echo "$name-sha256 $(dd if="$disk" bs=1M skip="$part_start" count="$part_mib" status=none | sha256sum | cut -d' ' -f1)"
    done
    echo "image-sha256 $(sha256sum "$disk" | cut -d' ' -f1)"
    echo "bootstrap-seconds $bootstrap_seconds"
    echo "build-seconds $total_seconds"
} >"$out/build-info.txt"
log "done in ${total_seconds}s (mmdebstrap ${bootstrap_seconds}s): $disk, $(du -h --apparent-size "$disk" | cut -f1) ($(du -h "$disk" | cut -f1) on disk), root holds ${used_mib} MiB"
