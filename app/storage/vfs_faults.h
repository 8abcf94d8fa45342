// A fault-injecting SQLite VFS shim ("farsight-faults") that wraps the default VFS: fails the
// Nth write or sync with SQLITE_IOERR, or simulates a full disk (SQLITE_FULL). For tests only;
// it does nothing unless a Db is opened with DbOptions::vfs = kFaultVfsName.
#pragma once

#include <cstdint>

#include "farsight/engine/status.h"

namespace farsight::storage {

inline constexpr const char* kFaultVfsName = "farsight-faults";

struct FaultPlan {
    std::int64_t fail_write_at = 0;   // 1-based count of xWrite calls: that one fails (0: none)
    std::int64_t fail_sync_at = 0;    // 1-based count of xSync calls: that one fails (0: none)
    bool sticky = false;              // after the first injected failure, all writes/syncs fail
    bool disk_full = false;           // every write that grows a file fails with SQLITE_FULL
    bool full_instead_of_ioerr = false;  // Nth-write failures report SQLITE_FULL
};

struct FaultCounters {
    std::int64_t writes = 0;
    std::int64_t syncs = 0;
    std::int64_t failures = 0;        // injected failures so far
};

// Registers the shim (idempotent, not as the default VFS).
Status install_fault_vfs();
// Replaces the plan and resets the counters. Not thread-safe against concurrent I/O; tests set
// it between operations.
void set_fault_plan(const FaultPlan& plan);
void clear_faults();                  // no faults; counters keep counting
FaultCounters fault_counters();

}  // namespace farsight::storage
