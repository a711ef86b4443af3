#!/usr/bin/env bash
# vicc-private.sh DEST — build a private, fixed copy of vicc (vsmartcard's
# smart card emulator) into DEST.
#
# Debian 12's vicc 3.3 does not run as shipped (see README.md beside this
# file). This copies the installed files
#   /usr/bin/vicc                                   -> DEST/vicc
#   /usr/lib/python3/site-packages/virtualsmartcard/virtualsmartcard/
#                                                   -> DEST/virtualsmartcard/
# and applies tests/card/vicc-patches/*.patch in name order with `patch -p1`.
# The system's files are never modified. Run it as
#   /usr/bin/python3 DEST/vicc -t ePass ...
# (Python puts DEST, the script's folder, first on sys.path, so the private
# package is the one imported).
#
# Idempotent: DEST/.stamp holds a hash of the patches and of the installed
# files; when it matches, nothing is done. Otherwise DEST is rebuilt from
# scratch (in a temporary folder, moved into place when complete).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
patches_dir=$here/vicc-patches
src_bin=${VICC_SRC_BIN:-/usr/bin/vicc}
src_pkg=${VICC_SRC_PKG:-/usr/lib/python3/site-packages/virtualsmartcard/virtualsmartcard}

die() { echo "vicc-private: $*" >&2; exit 1; }

[[ $# -eq 1 && -n $1 ]] || die "usage: vicc-private.sh DEST"
dest=$1

# What the patches and the ePass card need from the Debian packages.
[[ -f $src_bin ]] || die "$src_bin is missing: apt-get install vsmartcard-vpicc"
required=(__init__.py CardGenerator.py ConstantDefinitions.py CryptoUtils.py
          SEutils.py SWutils.py SmartcardFilesystem.py SmartcardSAM.py
          TLVutils.py VirtualSmartcard.py utils.py cards/__init__.py
          cards/ePass.py)
for f in "${required[@]}"; do
    [[ -f $src_pkg/$f ]] || die "$src_pkg/$f is missing: apt-get install python3-virtualsmartcard (3.3)"
done
command -v patch >/dev/null || die "patch(1) is missing: apt-get install patch"
shopt -s nullglob
patches=("$patches_dir"/*.patch)
shopt -u nullglob
(( ${#patches[@]} > 0 )) || die "no patches in $patches_dir"

# The stamp covers the patches and the files they apply to.
stamp=$(cat "${patches[@]}" "$src_bin" "${required[@]/#/$src_pkg/}" | sha256sum | cut -d' ' -f1)
if [[ -f $dest/.stamp && $(cat "$dest/.stamp") == "$stamp" && -f $dest/vicc ]]; then
    exit 0
fi

parent=$(dirname "$dest")
mkdir -p "$parent"
tmp=$(mktemp -d "$parent/.vicc-build.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

cp "$src_bin" "$tmp/vicc"
mkdir "$tmp/virtualsmartcard"
# Only the sources: the installed __pycache__ is left behind.
(cd "$src_pkg" && find . -name '*.py' -print0 | tar --null -cf - -T -) \
    | tar -xf - -C "$tmp/virtualsmartcard"

for p in "${patches[@]}"; do
    if ! out=$(patch -p1 --forward --batch --no-backup-if-mismatch -d "$tmp" -i "$p" 2>&1); then
        echo "$out" >&2
        die "$(basename "$p") does not apply to the installed vicc (is python3-virtualsmartcard still 3.3?)"
    fi
done
find "$tmp" -name '*.rej' -o -name '*.orig' | grep -q . && die "stray .rej/.orig files after patching"
echo "$stamp" > "$tmp/.stamp"

rm -rf "$dest"
if ! mv -T "$tmp" "$dest" 2>/dev/null; then
    # Another run (sharing a VICC_CACHE) finished first: fine if it built
    # the same thing.
    [[ -f $dest/.stamp && $(cat "$dest/.stamp") == "$stamp" ]] \
        || die "cannot move the build into $dest"
fi
