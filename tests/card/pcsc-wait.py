#!/usr/bin/python3
"""Wait for a PC/SC reader state, the way a client sees it (libpcsclite).

Used by card-stack.sh; needs only the Python standard library and
libpcsclite.so.1 (package libpcsclite1). The daemon is the one named by
PCSCLITE_CSOCK_NAME, as for any PC/SC client.

    pcsc-wait.py readers READER TIMEOUT   until READER is listed
    pcsc-wait.py present READER TIMEOUT   until a card is in READER
    pcsc-wait.py empty   READER TIMEOUT   until READER has no card
    pcsc-wait.py list                     print the readers and their state

Exit status: 0 when reached, 1 on timeout (a message says what was seen).
"""

import ctypes
import ctypes.util
import sys
import time

SCARD_SCOPE_SYSTEM = 2
SCARD_S_SUCCESS = 0
SCARD_E_TIMEOUT = 0x8010000A
SCARD_STATE_UNAWARE = 0x0000
SCARD_STATE_CHANGED = 0x0002
SCARD_STATE_EMPTY = 0x0010
SCARD_STATE_PRESENT = 0x0020
SCARD_STATE_MUTE = 0x0200

ERRORS = {
    0x8010001D: "SCARD_E_NO_SERVICE (no pcscd on this socket)",
    0x8010002E: "SCARD_E_NO_READERS_AVAILABLE",
    0x80100009: "SCARD_E_UNKNOWN_READER",
    0x8010000A: "SCARD_E_TIMEOUT",
}


class ReaderState(ctypes.Structure):
    # pcsc-lite's SCARD_READERSTATE: DWORD is unsigned long on Linux
    _fields_ = [("szReader", ctypes.c_char_p),
                ("pvUserData", ctypes.c_void_p),
                ("dwCurrentState", ctypes.c_ulong),
                ("dwEventState", ctypes.c_ulong),
                ("cbAtr", ctypes.c_ulong),
                ("rgbAtr", ctypes.c_ubyte * 33)]


def load():
    for name in ("libpcsclite.so.1", ctypes.util.find_library("pcsclite")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError:
            continue
    else:
        sys.exit("pcsc-wait: libpcsclite.so.1 not found "
                 "(apt-get install libpcsclite1)")
    lib.SCardEstablishContext.argtypes = [ctypes.c_ulong, ctypes.c_void_p,
                                          ctypes.c_void_p,
                                          ctypes.POINTER(ctypes.c_long)]
    lib.SCardEstablishContext.restype = ctypes.c_long
    lib.SCardReleaseContext.argtypes = [ctypes.c_long]
    lib.SCardReleaseContext.restype = ctypes.c_long
    lib.SCardListReaders.argtypes = [ctypes.c_long, ctypes.c_char_p,
                                     ctypes.c_char_p,
                                     ctypes.POINTER(ctypes.c_ulong)]
    lib.SCardListReaders.restype = ctypes.c_long
    lib.SCardGetStatusChange.argtypes = [ctypes.c_long, ctypes.c_ulong,
                                         ctypes.POINTER(ReaderState),
                                         ctypes.c_ulong]
    lib.SCardGetStatusChange.restype = ctypes.c_long
    return lib


def err(rv):
    rv &= 0xFFFFFFFF
    return ERRORS.get(rv, "0x%08X" % rv)


def readers(lib, ctx):
    size = ctypes.c_ulong(0)
    rv = lib.SCardListReaders(ctx, None, None, ctypes.byref(size))
    if rv != SCARD_S_SUCCESS:
        return [], err(rv)
    buf = ctypes.create_string_buffer(size.value)
    rv = lib.SCardListReaders(ctx, None, buf, ctypes.byref(size))
    if rv != SCARD_S_SUCCESS:
        return [], err(rv)
    names = [n.decode() for n in buf.raw[:size.value].split(b"\0") if n]
    return names, "readers: %s" % (names or "none")


def state(lib, ctx, reader):
    rs = (ReaderState * 1)()
    rs[0].szReader = reader.encode()
    rs[0].dwCurrentState = SCARD_STATE_UNAWARE
    rv = lib.SCardGetStatusChange(ctx, 0, rs, 1)
    if rv != SCARD_S_SUCCESS:
        return None, err(rv)
    s = rs[0].dwEventState
    words = [w for bit, w in ((SCARD_STATE_EMPTY, "empty"),
                              (SCARD_STATE_PRESENT, "present"),
                              (SCARD_STATE_MUTE, "mute")) if s & bit]
    atr = bytes(rs[0].rgbAtr[:rs[0].cbAtr]).hex(" ").upper()
    return s, "%s: %s%s" % (reader, "/".join(words) or "0x%X" % s,
                            (" ATR " + atr) if atr else "")


def main(argv):
    lib = load()
    what = argv[1] if len(argv) > 1 else "list"
    reader = argv[2] if len(argv) > 2 else None
    timeout = float(argv[3]) if len(argv) > 3 else 10.0
    if what not in ("list", "readers", "present", "empty") or \
            (what != "list" and reader is None):
        sys.exit(__doc__)
    deadline = time.monotonic() + timeout
    seen = "nothing yet"
    while True:
        ctx = ctypes.c_long(0)
        rv = lib.SCardEstablishContext(SCARD_SCOPE_SYSTEM, None, None,
                                       ctypes.byref(ctx))
        if rv != SCARD_S_SUCCESS:
            seen = err(rv)
        else:
            try:
                names, seen = readers(lib, ctx)
                if what == "list":
                    print(seen)
                    for n in names:
                        print("  " + state(lib, ctx, n)[1])
                    return 0
                if reader in names:
                    if what == "readers":
                        return 0
                    s, seen = state(lib, ctx, reader)
                    if s is not None:
                        if what == "present" and s & SCARD_STATE_PRESENT \
                                and not s & SCARD_STATE_MUTE:
                            return 0
                        if what == "empty" and s & SCARD_STATE_EMPTY:
                            return 0
            finally:
                lib.SCardReleaseContext(ctx)
        if what == "list":
            print(seen)
            return 1
        if time.monotonic() >= deadline:
            print("pcsc-wait: %s %r not reached in %gs; last seen: %s"
                  % (what, reader, timeout, seen), file=sys.stderr)
            return 1
        time.sleep(0.1)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
