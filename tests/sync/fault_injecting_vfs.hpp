// A SQLite VFS shim for tests that makes the disk fill up on demand.
//
// SQLite reaches the file system only through its VFS. While an instance of
// FaultInjectingVfs exists it is the default VFS: it forwards every call to
// the platform VFS ("unix") and, once armed, fails writes with SQLITE_FULL as
// the unix VFS does when write() reports ENOSPC. The store under test is not
// changed in any way. This is how SQLite's own test suite faults I/O.
#pragma once

#include <sqlite3.h>

namespace guichet::testing {

class FaultInjectingVfs {
public:
    FaultInjectingVfs();
    // Unregisters the shim. Every connection opened through it must be
    // closed first.
    ~FaultInjectingVfs();
    FaultInjectingVfs(FaultInjectingVfs const&) = delete;
    FaultInjectingVfs& operator=(FaultInjectingVfs const&) = delete;

    // Lets `writes` more writes through, then fails every later one, as a
    // disk that is full stays full.
    void fill_disk_after(int writes);
    // Frees space: writes succeed again.
    void free_disk();

    int failed_writes() const { return m_failed_writes; }

    // Called by the shim's file methods.
    sqlite3_vfs* real() const { return m_real; }
    bool should_fail_write();

private:
    sqlite3_vfs m_vfs {};
    sqlite3_vfs* m_real { nullptr };
    int m_writes_left { -1 }; // -1: disarmed
    int m_failed_writes { 0 };
};

}
