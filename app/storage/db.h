// Db: RAII owner of one SQLite connection (C API), opened with the connection settings that
// reliability.md "Session data" requires; every SQLite error code becomes a Status here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "farsight/engine/status.h"

struct sqlite3;

namespace farsight::storage {

enum class OpenMode { read_write_create, read_write, read_only };

struct DbOptions {
    OpenMode mode = OpenMode::read_write_create;
    std::string vfs;                 // empty: the default VFS; "farsight-faults" in fault tests
    int busy_timeout_ms = 5000;      // values below 5000 are raised to 5000
};

// The settings check_settings() asserts (and open() establishes).
struct DbSettings {
    std::string journal_mode;        // "wal"
    int synchronous = 0;             // 2 = FULL
    bool foreign_keys = false;
    bool defensive = false;          // SQLITE_DBCONFIG_DEFENSIVE
    bool trusted_schema = true;
    int busy_timeout_ms = 0;
};

class Db {
public:
    // Opens (creating when allowed), applies WAL, synchronous=FULL, foreign_keys=ON, defensive,
    // trusted_schema=OFF, busy timeout; fails if any setting did not take. A read_only Db keeps
    // the journal mode it finds.
    static Result<Db> open(const std::filesystem::path& path, const DbOptions& options = {});

    Db() = default;
    Db(Db&& other) noexcept;
    Db& operator=(Db&& other) noexcept;
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
    ~Db();

    bool is_open() const noexcept { return m_db != nullptr; }
    sqlite3* handle() const noexcept { return m_db; }
    const std::filesystem::path& path() const noexcept { return m_path; }

    // Runs one or more SQL statements that return no rows.
    Status exec(std::string_view sql);
    // First column of the first row of `sql` (e.g. "PRAGMA user_version").
    Result<std::int64_t> query_int64(std::string_view sql);
    Result<std::string> query_text(std::string_view sql);

    Result<DbSettings> read_settings() const;
    // Re-reads the settings and returns an error naming the first one that is not as required.
    Status check_settings() const;

    std::int64_t last_insert_rowid() const noexcept;
    int changes() const noexcept;
    // Status for an SQLite result code, with this connection's error message.
    Status error(int rc, std::string_view context) const;

    // Closes the connection (finalizing is the caller's job: Statements must be gone first).
    Status close();

private:
    sqlite3* m_db = nullptr;
    std::filesystem::path m_path;
};

// Status from an SQLite result code: "<context>: <sqlite message> (SQLITE_FULL)".
// SQLITE_CORRUPT/NOTADB -> bad_header, NOMEM -> out_of_memory, IOERR/FULL/CANTOPEN/BUSY/READONLY
// -> io_error, CONSTRAINT/MISMATCH/RANGE -> invalid_argument, TOOBIG -> limit_exceeded,
// INTERRUPT -> cancelled, anything else -> internal.
Status sqlite_status(int rc, std::string_view context, sqlite3* db = nullptr);
ErrorCode error_code_for_sqlite(int rc);
// True when a Status came from SQLITE_FULL (disk full): the UI offers "free space and retry".
bool is_disk_full(const Status& status);

}  // namespace farsight::storage
