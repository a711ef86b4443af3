#!/usr/bin/env bash
# The appliance image's test (ctest -L image): the kiosk's package from this
# build tree, a test image from it (image/build-image.sh --test-console),
# then tests/image/boot_check.py boots it under qemu (TCG) and checks it.
#
#   image_test.sh BUILD_DIR OUT_DIR
#
# GUICHET_IMAGE_CACHE (default BUILD_DIR/image-cache) keeps the downloaded
# packages between runs; GUICHET_IMAGE_MIRROR chooses the Debian mirror.
# Skips (77) only when it cannot run at all: not root. A missing tool is a
# failure: scripts/install-deps.sh installs them.
set -euo pipefail

build=$(realpath "$1")
out=$2
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
test_start=$(date +%s)

if [[ $(id -u) -ne 0 ]]; then
    echo "SKIP: building the image needs root (mmdebstrap --mode=root chroots into the tree)"
    exit 77
fi
missing=()
for tool in mmdebstrap mkfs.ext4 mkfs.vfat mcopy sfdisk qemu-system-x86_64 qemu-img cpack /usr/bin/python3; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
for file in /usr/share/OVMF/OVMF_CODE_4M.fd /usr/share/OVMF/OVMF_VARS_4M.fd; do
    [[ -f "$file" ]] || missing+=("$file (ovmf)")
done
/usr/bin/python3 -c "import PIL" 2>/dev/null || missing+=("python3-pil")
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "FAIL: missing ${missing[*]} (scripts/install-deps.sh installs them)" >&2
    exit 1
fi

rm -rf "$out"
mkdir -p "$out/deb"
echo "== the kiosk's package (cpack -G DEB)"
(cd "$out/deb" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out/deb" >cpack.log) || {
    cat "$out/deb/cpack.log"; exit 1; }
deb=$(ls "$out"/deb/guichet_*_amd64.deb)
echo "$deb"

echo "== the image (image/build-image.sh --test-console)"
epoch=$(git -C "$source_dir" log -1 --format=%ct 2>/dev/null || echo 1735689600)
mirror_args=()
[[ -n "${GUICHET_IMAGE_MIRROR:-}" ]] && mirror_args=(--mirror "$GUICHET_IMAGE_MIRROR")
image_start=$(date +%s)
"$source_dir/image/build-image.sh" --deb "$deb" --out "$out/image" --test-console --epoch "$epoch" \
    --cache "${GUICHET_IMAGE_CACHE:-$build/image-cache}" "${mirror_args[@]}" >"$out/build-image.log" 2>&1 || {
    tail -60 "$out/build-image.log"; echo "FAIL: the image did not build (log: $out/build-image.log)" >&2; exit 1; }
grep '^\[build-image' "$out/build-image.log"
image=$out/image/guichet.img
echo "FIGURE image build: $(($(date +%s) - image_start))s (mmdebstrap $(awk '/^bootstrap-seconds/ {print $2}' "$out/image/build-info.txt")s)"
echo "FIGURE image size: $(du -m --apparent-size "$image" | cut -f1) MiB ($(du -m "$image" | cut -f1) MiB allocated), root holds $(awk '/^root-used-mib/ {print $2}' "$out/image/build-info.txt") MiB"

echo "== boot under qemu-system-x86_64 (TCG) and check"
status=0
/usr/bin/python3 "$source_dir/tests/image/boot_check.py" --image "$image" --out "$out/boot" || status=$?
echo "FIGURE whole test: $(($(date +%s) - test_start))s"
# The disk image is big: keep it only when something failed.
[[ $status -eq 0 ]] && rm -f "$image"
exit $status
