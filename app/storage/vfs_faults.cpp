// Fault-injecting VFS shim over the default SQLite VFS (modelled on SQLite's own test_vfs/
// test_devsym shims): counts xWrite/xSync calls and fails the chosen one, or reports a full disk.
#include "storage/vfs_faults.h"

#include <sqlite3.h>

#include <atomic>
#include <mutex>

namespace farsight::storage {

namespace {

struct State {
    std::atomic<std::int64_t> writes{0}, syncs{0}, failures{0};
    std::atomic<std::int64_t> fail_write_at{0}, fail_sync_at{0};
    std::atomic<bool> sticky{false}, disk_full{false}, full_instead{false}, tripped{false};
};
State g_state;
sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs{};

struct FaultFile {
    sqlite3_file base;
    sqlite3_file* real;   // lives in the same allocation, right after this struct
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->real; }

int inject(std::atomic<std::int64_t>& counter, std::atomic<std::int64_t>& at, int code) {
    std::int64_t n = ++counter;
    if (g_state.tripped && g_state.sticky) {
        ++g_state.failures;
        return code;
    }
    if (at != 0 && n == at) {
        g_state.tripped = true;
        ++g_state.failures;
        return code;
    }
    return SQLITE_OK;
}

int f_close(sqlite3_file* f) {
    sqlite3_file* r = real_of(f);
    int rc = r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
    f->pMethods = nullptr;
    return rc;
}
int f_read(sqlite3_file* f, void* buf, int amt, sqlite3_int64 off) {
    return real_of(f)->pMethods->xRead(real_of(f), buf, amt, off);
}
int f_write(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 off) {
    sqlite3_file* r = real_of(f);
    int rc = inject(g_state.writes, g_state.fail_write_at, g_state.full_instead ? SQLITE_FULL : SQLITE_IOERR_WRITE);
    if (rc != SQLITE_OK) return rc;
    if (g_state.disk_full) {
        sqlite3_int64 size = 0;
        if (r->pMethods->xFileSize(r, &size) != SQLITE_OK || off + amt > size) {
            ++g_state.failures;
            return SQLITE_FULL;
        }
    }
    return r->pMethods->xWrite(r, buf, amt, off);
}
int f_truncate(sqlite3_file* f, sqlite3_int64 size) { return real_of(f)->pMethods->xTruncate(real_of(f), size); }
int f_sync(sqlite3_file* f, int flags) {
    int rc = inject(g_state.syncs, g_state.fail_sync_at, SQLITE_IOERR_FSYNC);
    if (rc != SQLITE_OK) return rc;
    return real_of(f)->pMethods->xSync(real_of(f), flags);
}
int f_file_size(sqlite3_file* f, sqlite3_int64* size) { return real_of(f)->pMethods->xFileSize(real_of(f), size); }
int f_lock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xLock(real_of(f), level); }
int f_unlock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xUnlock(real_of(f), level); }
int f_check_reserved(sqlite3_file* f, int* out) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out); }
int f_file_control(sqlite3_file* f, int op, void* arg) {
    if (op == SQLITE_FCNTL_VFSNAME) {   // report the shim in the VFS name chain
        char* inner = nullptr;
        real_of(f)->pMethods->xFileControl(real_of(f), op, &inner);
        *static_cast<char**>(arg) = sqlite3_mprintf("%s/%z", kFaultVfsName, inner);
        return SQLITE_OK;
    }
    return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int f_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int f_device_chars(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
int f_shm_map(sqlite3_file* f, int pg, int pgsz, int extend, void volatile** pp) {
    return real_of(f)->pMethods->xShmMap(real_of(f), pg, pgsz, extend, pp);
}
int f_shm_lock(sqlite3_file* f, int offset, int n, int flags) { return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags); }
void f_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int f_shm_unmap(sqlite3_file* f, int del) { return real_of(f)->pMethods->xShmUnmap(real_of(f), del); }
int f_fetch(sqlite3_file* f, sqlite3_int64 off, int amt, void** pp) { return real_of(f)->pMethods->xFetch(real_of(f), off, amt, pp); }
int f_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) { return real_of(f)->pMethods->xUnfetch(real_of(f), off, p); }

const sqlite3_io_methods kMethodsV3 = {
    3, f_close, f_read, f_write, f_truncate, f_sync, f_file_size, f_lock, f_unlock, f_check_reserved,
    f_file_control, f_sector_size, f_device_chars, f_shm_map, f_shm_lock, f_shm_barrier, f_shm_unmap,
    f_fetch, f_unfetch};
const sqlite3_io_methods kMethodsV1 = {
    1, f_close, f_read, f_write, f_truncate, f_sync, f_file_size, f_lock, f_unlock, f_check_reserved,
    f_file_control, f_sector_size, f_device_chars, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
    auto* ff = reinterpret_cast<FaultFile*>(f);
    ff->base.pMethods = nullptr;
    ff->real = reinterpret_cast<sqlite3_file*>(ff + 1);
    int rc = g_real->xOpen(g_real, name, ff->real, flags, out_flags);
    if (ff->real->pMethods != nullptr)
        ff->base.pMethods = ff->real->pMethods->iVersion >= 3 ? &kMethodsV3 : &kMethodsV1;
    return rc;
}
int v_delete(sqlite3_vfs*, const char* name, int sync_dir) { return g_real->xDelete(g_real, name, sync_dir); }
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_real->xAccess(g_real, name, flags, out); }
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) { return g_real->xFullPathname(g_real, name, n, out); }
void* v_dl_open(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void v_dl_error(sqlite3_vfs*, int n, char* msg) { g_real->xDlError(g_real, n, msg); }
void (*v_dl_sym(sqlite3_vfs*, void* h, const char* sym))(void) { return g_real->xDlSym(g_real, h, sym); }
void v_dl_close(sqlite3_vfs*, void* h) { g_real->xDlClose(g_real, h); }
int v_randomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int v_sleep(sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); }
int v_current_time(sqlite3_vfs*, double* t) { return g_real->xCurrentTime(g_real, t); }
int v_last_error(sqlite3_vfs*, int n, char* msg) { return g_real->xGetLastError(g_real, n, msg); }
int v_current_time64(sqlite3_vfs*, sqlite3_int64* t) { return g_real->xCurrentTimeInt64(g_real, t); }

std::once_flag g_once;
int g_register_rc = SQLITE_OK;

}  // namespace

Status install_fault_vfs() {
    std::call_once(g_once, [] {
        g_real = sqlite3_vfs_find(nullptr);
        if (g_real == nullptr) {
            g_register_rc = SQLITE_ERROR;
            return;
        }
        g_vfs.iVersion = 2;
        g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_real->szOsFile;
        g_vfs.mxPathname = g_real->mxPathname;
        g_vfs.zName = kFaultVfsName;
        g_vfs.xOpen = v_open;
        g_vfs.xDelete = v_delete;
        g_vfs.xAccess = v_access;
        g_vfs.xFullPathname = v_full_pathname;
        g_vfs.xDlOpen = v_dl_open;
        g_vfs.xDlError = v_dl_error;
        g_vfs.xDlSym = v_dl_sym;
        g_vfs.xDlClose = v_dl_close;
        g_vfs.xRandomness = v_randomness;
        g_vfs.xSleep = v_sleep;
        g_vfs.xCurrentTime = v_current_time;
        g_vfs.xGetLastError = v_last_error;
        g_vfs.xCurrentTimeInt64 = v_current_time64;
        g_register_rc = sqlite3_vfs_register(&g_vfs, /*makeDflt=*/0);
    });
    if (g_register_rc != SQLITE_OK)
        return make_error(ErrorCode::internal, std::string("registering the fault VFS: ") + sqlite3_errstr(g_register_rc));
    return {};
}

void set_fault_plan(const FaultPlan& plan) {
    g_state.writes = 0;
    g_state.syncs = 0;
    g_state.failures = 0;
    g_state.tripped = false;
    g_state.fail_write_at = plan.fail_write_at;
    g_state.fail_sync_at = plan.fail_sync_at;
    g_state.sticky = plan.sticky;
    g_state.disk_full = plan.disk_full;
    g_state.full_instead = plan.full_instead_of_ioerr;
}

void clear_faults() {
    g_state.fail_write_at = 0;
    g_state.fail_sync_at = 0;
    g_state.sticky = false;
    g_state.disk_full = false;
    g_state.tripped = false;
}

FaultCounters fault_counters() { return {g_state.writes.load(), g_state.syncs.load(), g_state.failures.load()}; }

}  // namespace farsight::storage
