// Corrupt-database handling at open: header check + PRAGMA quick_check, move the damaged files
// aside (NAME.corrupt-<UTC timestamp>, with its -wal/-shm; never overwritten or deleted) and a
// best-effort row salvage into the fresh database.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "farsight/engine/status.h"
#include "storage/db.h"

namespace farsight::storage {

enum class DbFileState {
    missing,        // no file: a new database will be created
    ok,             // header plausible (the integrity check runs after open)
    empty,          // 0 bytes and no WAL holding data: never written; open() reuses it
    bad_header,     // not "SQLite format 3", impossible page size / header fields
    truncated,      // shorter than one page, than its header's page count, or not whole pages
};

struct FileCheck {
    DbFileState state = DbFileState::missing;
    std::string detail;   // human-readable reason
    // A -wal beside the file whose header SQLite would reject (bad magic/checksum/page size):
    // SQLite ignores such a file; open() moves it aside so it is kept but cannot confuse anything.
    bool stray_wal = false;
};

// Reads only the 100-byte header and the sizes of the file and its -wal.
FileCheck check_database_file(const std::filesystem::path& path);

// What open() did about a damaged database (RecoveryReport::corrupt == false: nothing happened).
struct RecoveryReport {
    bool corrupt = false;
    // Why corrupt ("quick_check: ...", "not an SQLite database ..."); with corrupt == false it may
    // note a benign finding (an empty 0-byte file reused as a new database).
    std::string reason;
    std::filesystem::path moved_to;              // NAME.corrupt-<timestamp>
    std::vector<std::filesystem::path> moved_files;  // the main file and its -wal/-shm/-journal
    bool salvage_attempted = false;
    std::int64_t rows_salvaged = 0;              // rows copied into the fresh database
    std::int64_t messages_salvaged = 0;
    std::string salvage_detail;
    std::filesystem::path stray_wal_moved_to;    // set when an unusable -wal was moved aside
};

// Moves `path` and its -wal/-shm/-journal to `<path>.corrupt-<YYYYmmddTHHMMSSZ>[-N]` (same
// folder, never replacing an existing file). Fills moved_to/moved_files.
Status move_aside(const std::filesystem::path& path, RecoveryReport& report);

// Moves an unusable NAME-wal to NAME-wal.stray-<timestamp> (kept, never deleted).
Status move_stray_wal(const std::filesystem::path& path, RecoveryReport& report);

// Copies what can still be read from the moved-aside database into `into` (an open, migrated,
// empty database): a working copy is salvaged so the kept-aside files stay byte-identical.
// Tables are copied by common column names; unreadable rows/pages are skipped; orphaned rows are
// dropped or re-rooted. Errors are recorded in report.salvage_detail, not returned.
void salvage_into(const std::filesystem::path& moved_aside, Db& into, RecoveryReport& report);

// PRAGMA quick_check (full=false) or integrity_check: ok, or bad_header with the first problems.
Status check_integrity(Db& db, bool full = false);

}  // namespace farsight::storage
