#!/usr/bin/env bash
# Installs the Debian 12 packages Guichet needs to build, test and run its
# demo. Installs only what is missing, so a second run costs a second.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config
  # the fuzz tier: clang with libFuzzer and the sanitizer runtimes, and
  # llvm-symbolizer so that a crash's stack names its lines. 16, not the
  # default 14, which cannot compile C++20 ranges (tests/fuzz/run_fuzz.sh)
  clang-16 libclang-rt-16-dev llvm-16
  # libraries
  libsdl2-dev libimgui-dev libstb-dev nlohmann-json3-dev libsqlite3-dev
  libqrencode-dev libcairo2-dev libgtest-dev
  # the ID card: PC/SC and the crypto for ICAO 9303 Basic Access Control
  libpcsclite-dev libssl-dev
  # the card's test stack: pcscd with the vsmartcard virtual reader, and the
  # vicc emulator, which tests/card/vicc-private.sh repairs in a private copy
  pcscd vsmartcard-vpcd vsmartcard-vpicc python3-pycryptodome python3-pil patch
  # receipts through CUPS: the library and cups-config to build, and for
  # tests and the demo a private cupsd with a cups-pdf queue
  libcups2-dev cups cups-client cups-bsd printer-driver-cups-pdf
  # sync and the hub: libsodium (keys, signatures, sealed dossiers), libcurl
  # (the kiosk's uplink), Boost.Beast and Asio with OpenSSL (the hub's
  # server), cpp-httplib (the hub's webhook client and tests' HTTPS calls),
  # libpqxx and a PostgreSQL server (the hub's fleet storage; tests start
  # their own with initdb and pg_ctl), faketime (the clock-skew test),
  # tzdata (the hub counts the town's days: serve --time-zone)
  libsodium-dev libcurl4-openssl-dev libcpp-httplib-dev libboost-dev libpqxx-dev postgresql faketime curl tzdata
  # speech (espeak-ng, its voices) and right-to-left text (FriBidi shapes
  # and orders Arabic, which Dear ImGui cannot)
  libespeak-ng-dev espeak-ng-data libfribidi-dev
  # systemd: the kiosk tells its unit it is ready and alive (sd_notify)
  libsystemd-dev
  # fonts the kiosk and its receipts load by path
  fonts-dejavu-core fonts-font-awesome
  # tests: read receipts back, decode QR codes, look inside the outbox
  poppler-utils zbar-tools sqlite3
  # demo and benchmark where there is no display; xdotool plays the
  # technician's keyboard and mouse where scenarios cannot (tests/provisioning)
  xvfb xauth x11-utils xdotool
  # tests/bench/chromium_bench reads the screen back from the X server
  # (Xlib and MIT-SHM) to time the kiosk and Chromium the same way
  libx11-dev libxext-dev
  # the appliance image (image/build-image.sh) and its boot test
  # (tests/image): mmdebstrap, the file systems made without mounting them,
  # qemu with OVMF's UEFI (qemu-img: a disk over the image, rebooted), and
  # tesseract reading the screen it shows
  mmdebstrap e2fsprogs dosfstools mtools fdisk qemu-system-x86 qemu-utils ovmf tesseract-ocr tesseract-ocr-fra
  # the mediator console's end-to-end test: Debian's Chromium, driven by
  # playwright-core from npm (tests/e2e; no browser download)
  chromium
)
# Node.js and npm for playwright-core: the machine's own when it has them,
# Debian's otherwise.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# playwright-core at the version the lock file names, once (npm ci again
# when the lock file changed). Needs Node.js 20 or later.
e2e=$(cd "$(dirname "$0")/.." && pwd)/tests/e2e
if ! cmp -s "$e2e/package-lock.json" "$e2e/node_modules/.guichet-lock" 2>/dev/null; then
  echo "install-deps: npm ci in tests/e2e (playwright-core)"
  (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.guichet-lock)
fi
