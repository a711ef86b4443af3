#include "fault_injecting_vfs.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace guichet::testing {

namespace {

// Our file object, followed in the same allocation by the real VFS's file
// object (szOsFile below reserves room for both).
struct ShimFile {
    sqlite3_file base;
    FaultInjectingVfs* owner;

    sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

// The real file object starts right after ours and holds pointers and 64-bit
// integers.
static_assert(sizeof(ShimFile) % 8 == 0);

ShimFile* shim(sqlite3_file* file)
{
    return reinterpret_cast<ShimFile*>(file);
}

sqlite3_file* real(sqlite3_file* file)
{
    return shim(file)->real();
}

FaultInjectingVfs* owner(sqlite3_vfs* vfs)
{
    return static_cast<FaultInjectingVfs*>(vfs->pAppData);
}

// [SECTION] File methods: forward, except for writes when the disk is full.

int file_close(sqlite3_file* file)
{
    return real(file)->pMethods->xClose(real(file));
}

int file_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset)
{
    return real(file)->pMethods->xRead(real(file), buffer, amount, offset);
}

int file_write(sqlite3_file* file, void const* buffer, int amount, sqlite3_int64 offset)
{
    if (shim(file)->owner->should_fail_write())
        return SQLITE_FULL;
    return real(file)->pMethods->xWrite(real(file), buffer, amount, offset);
}

int file_truncate(sqlite3_file* file, sqlite3_int64 size)
{
    return real(file)->pMethods->xTruncate(real(file), size);
}

int file_sync(sqlite3_file* file, int flags)
{
    return real(file)->pMethods->xSync(real(file), flags);
}

int file_size(sqlite3_file* file, sqlite3_int64* size)
{
    return real(file)->pMethods->xFileSize(real(file), size);
}

int file_lock(sqlite3_file* file, int lock)
{
    return real(file)->pMethods->xLock(real(file), lock);
}

int file_unlock(sqlite3_file* file, int lock)
{
    return real(file)->pMethods->xUnlock(real(file), lock);
}

int file_check_reserved_lock(sqlite3_file* file, int* reserved)
{
    return real(file)->pMethods->xCheckReservedLock(real(file), reserved);
}

int file_control(sqlite3_file* file, int operation, void* argument)
{
    return real(file)->pMethods->xFileControl(real(file), operation, argument);
}

int file_sector_size(sqlite3_file* file)
{
    return real(file)->pMethods->xSectorSize(real(file));
}

int file_device_characteristics(sqlite3_file* file)
{
    return real(file)->pMethods->xDeviceCharacteristics(real(file));
}

int file_shm_map(sqlite3_file* file, int page, int page_size, int extend, void volatile** memory)
{
    return real(file)->pMethods->xShmMap(real(file), page, page_size, extend, memory);
}

int file_shm_lock(sqlite3_file* file, int offset, int count, int flags)
{
    return real(file)->pMethods->xShmLock(real(file), offset, count, flags);
}

void file_shm_barrier(sqlite3_file* file)
{
    real(file)->pMethods->xShmBarrier(real(file));
}

int file_shm_unmap(sqlite3_file* file, int delete_flag)
{
    return real(file)->pMethods->xShmUnmap(real(file), delete_flag);
}

int file_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** pointer)
{
    return real(file)->pMethods->xFetch(real(file), offset, amount, pointer);
}

int file_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* pointer)
{
    return real(file)->pMethods->xUnfetch(real(file), offset, pointer);
}

// Version 3: WAL needs the shared-memory methods, which the unix VFS has.
sqlite3_io_methods const io_methods = {
    3,
    file_close,
    file_read,
    file_write,
    file_truncate,
    file_sync,
    file_size,
    file_lock,
    file_unlock,
    file_check_reserved_lock,
    file_control,
    file_sector_size,
    file_device_characteristics,
    file_shm_map,
    file_shm_lock,
    file_shm_barrier,
    file_shm_unmap,
    file_fetch,
    file_unfetch,
};

// [SECTION] VFS methods: all forwarded to the real VFS, with its own
// sqlite3_vfs pointer, since the unix VFS reads its own pAppData.

int vfs_open(sqlite3_vfs* vfs, char const* name, sqlite3_file* file, int flags, int* out_flags)
{
    auto* real_vfs = owner(vfs)->real();
    auto* file_shim = shim(file);
    file_shim->owner = owner(vfs);
    file_shim->base.pMethods = nullptr;
    int result = real_vfs->xOpen(real_vfs, name, file_shim->real(), flags, out_flags);
    // SQLite calls xClose only if pMethods is set; mirror the real file.
    if (file_shim->real()->pMethods)
        file_shim->base.pMethods = &io_methods;
    return result;
}

int vfs_delete(sqlite3_vfs* vfs, char const* name, int sync_directory)
{
    return owner(vfs)->real()->xDelete(owner(vfs)->real(), name, sync_directory);
}

int vfs_access(sqlite3_vfs* vfs, char const* name, int flags, int* result)
{
    return owner(vfs)->real()->xAccess(owner(vfs)->real(), name, flags, result);
}

int vfs_full_pathname(sqlite3_vfs* vfs, char const* name, int size, char* out)
{
    return owner(vfs)->real()->xFullPathname(owner(vfs)->real(), name, size, out);
}

void* vfs_dl_open(sqlite3_vfs* vfs, char const* name)
{
    return owner(vfs)->real()->xDlOpen(owner(vfs)->real(), name);
}

void vfs_dl_error(sqlite3_vfs* vfs, int size, char* message)
{
    owner(vfs)->real()->xDlError(owner(vfs)->real(), size, message);
}

void (*vfs_dl_sym(sqlite3_vfs* vfs, void* handle, char const* symbol))(void)
{
    return owner(vfs)->real()->xDlSym(owner(vfs)->real(), handle, symbol);
}

void vfs_dl_close(sqlite3_vfs* vfs, void* handle)
{
    owner(vfs)->real()->xDlClose(owner(vfs)->real(), handle);
}

int vfs_randomness(sqlite3_vfs* vfs, int size, char* out)
{
    return owner(vfs)->real()->xRandomness(owner(vfs)->real(), size, out);
}

int vfs_sleep(sqlite3_vfs* vfs, int microseconds)
{
    return owner(vfs)->real()->xSleep(owner(vfs)->real(), microseconds);
}

int vfs_current_time(sqlite3_vfs* vfs, double* now)
{
    return owner(vfs)->real()->xCurrentTime(owner(vfs)->real(), now);
}

int vfs_get_last_error(sqlite3_vfs* vfs, int size, char* message)
{
    return owner(vfs)->real()->xGetLastError(owner(vfs)->real(), size, message);
}

int vfs_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* now)
{
    return owner(vfs)->real()->xCurrentTimeInt64(owner(vfs)->real(), now);
}

}

FaultInjectingVfs::FaultInjectingVfs()
    : m_real(sqlite3_vfs_find(nullptr))
{
    if (!m_real || m_real->iVersion < 2) {
        ADD_FAILURE() << "no default VFS to wrap";
        return;
    }
    m_vfs.iVersion = 2;
    m_vfs.szOsFile = static_cast<int>(sizeof(ShimFile)) + m_real->szOsFile;
    m_vfs.mxPathname = m_real->mxPathname;
    m_vfs.zName = "guichet-fault-injecting";
    m_vfs.pAppData = this;
    m_vfs.xOpen = vfs_open;
    m_vfs.xDelete = vfs_delete;
    m_vfs.xAccess = vfs_access;
    m_vfs.xFullPathname = vfs_full_pathname;
    m_vfs.xDlOpen = vfs_dl_open;
    m_vfs.xDlError = vfs_dl_error;
    m_vfs.xDlSym = vfs_dl_sym;
    m_vfs.xDlClose = vfs_dl_close;
    m_vfs.xRandomness = vfs_randomness;
    m_vfs.xSleep = vfs_sleep;
    m_vfs.xCurrentTime = vfs_current_time;
    m_vfs.xGetLastError = vfs_get_last_error;
    m_vfs.xCurrentTimeInt64 = vfs_current_time_int64;
    if (sqlite3_vfs_register(&m_vfs, 1) != SQLITE_OK)
        ADD_FAILURE() << "cannot register the fault-injecting VFS";
}

FaultInjectingVfs::~FaultInjectingVfs()
{
    sqlite3_vfs_unregister(&m_vfs);
}

void FaultInjectingVfs::fill_disk_after(int writes)
{
    m_writes_left = std::max(writes, 0);
}

void FaultInjectingVfs::free_disk()
{
    m_writes_left = -1;
}

bool FaultInjectingVfs::should_fail_write()
{
    if (m_writes_left < 0)
        return false;
    if (m_writes_left > 0) {
        --m_writes_left;
        return false;
    }
    ++m_failed_writes;
    return true;
}

}
