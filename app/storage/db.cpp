// Db: connection open with the required settings, and SQLite error codes -> Status.
#include "storage/db.h"

#include <sqlite3.h>

#include <algorithm>
#include <utility>

namespace farsight::storage {

ErrorCode error_code_for_sqlite(int rc) {
    switch (rc & 0xff) {
        case SQLITE_OK:
        case SQLITE_ROW:
        case SQLITE_DONE: return ErrorCode::ok;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB: return ErrorCode::bad_header;
        case SQLITE_NOMEM: return ErrorCode::out_of_memory;
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_CANTOPEN:
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_READONLY:
        case SQLITE_PROTOCOL: return ErrorCode::io_error;
        case SQLITE_CONSTRAINT:
        case SQLITE_MISMATCH:
        case SQLITE_RANGE: return ErrorCode::invalid_argument;
        case SQLITE_TOOBIG: return ErrorCode::limit_exceeded;
        case SQLITE_INTERRUPT: return ErrorCode::cancelled;
        case SQLITE_NOTFOUND: return ErrorCode::not_found;
        default: return ErrorCode::internal;
    }
}

namespace {
constexpr std::string_view kFullTag = "(SQLITE_FULL)";

const char* primary_code_name(int rc) {
    switch (rc & 0xff) {
        case SQLITE_ERROR: return "SQLITE_ERROR";
        case SQLITE_INTERNAL: return "SQLITE_INTERNAL";
        case SQLITE_PERM: return "SQLITE_PERM";
        case SQLITE_ABORT: return "SQLITE_ABORT";
        case SQLITE_BUSY: return "SQLITE_BUSY";
        case SQLITE_LOCKED: return "SQLITE_LOCKED";
        case SQLITE_NOMEM: return "SQLITE_NOMEM";
        case SQLITE_READONLY: return "SQLITE_READONLY";
        case SQLITE_INTERRUPT: return "SQLITE_INTERRUPT";
        case SQLITE_IOERR: return "SQLITE_IOERR";
        case SQLITE_CORRUPT: return "SQLITE_CORRUPT";
        case SQLITE_NOTFOUND: return "SQLITE_NOTFOUND";
        case SQLITE_FULL: return "SQLITE_FULL";
        case SQLITE_CANTOPEN: return "SQLITE_CANTOPEN";
        case SQLITE_PROTOCOL: return "SQLITE_PROTOCOL";
        case SQLITE_SCHEMA: return "SQLITE_SCHEMA";
        case SQLITE_TOOBIG: return "SQLITE_TOOBIG";
        case SQLITE_CONSTRAINT: return "SQLITE_CONSTRAINT";
        case SQLITE_MISMATCH: return "SQLITE_MISMATCH";
        case SQLITE_MISUSE: return "SQLITE_MISUSE";
        case SQLITE_RANGE: return "SQLITE_RANGE";
        case SQLITE_NOTADB: return "SQLITE_NOTADB";
        default: return "SQLITE_?";
    }
}
std::string code_suffix(int rc) {
    std::string s = " (";
    s += primary_code_name(rc);
    if (rc != (rc & 0xff)) {   // two appends: `"/" + std::string&&` trips GCC 12 -Wrestrict (PR105651)
        s += '/';
        s += std::to_string(rc);
    }
    return s + ")";
}
}  // namespace

Status sqlite_status(int rc, std::string_view context, sqlite3* db) {
    ErrorCode code = error_code_for_sqlite(rc);
    if (code == ErrorCode::ok) return {};
    std::string msg(context);
    msg += ": ";
    // sqlite3_errmsg describes the most recent failing call on this connection; fall back to the
    // generic text when the connection's last error is a different code.
    if (db != nullptr && (sqlite3_extended_errcode(db) & 0xff) == (rc & 0xff))
        msg += sqlite3_errmsg(db);
    else
        msg += sqlite3_errstr(rc);
    msg += code_suffix(rc);
    return {code, std::move(msg)};
}

bool is_disk_full(const Status& status) {
    return status.code() == ErrorCode::io_error &&
           status.message().find(kFullTag) != std::string::npos;
}

Db::Db(Db&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)) {}

Db& Db::operator=(Db&& other) noexcept {
    if (this != &other) {
        (void)close();
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

Db::~Db() { (void)close(); }

Status Db::close() {
    if (m_db == nullptr) return {};
    // close_v2 never fails with BUSY: with statements still open it becomes a zombie that closes
    // when they are finalized, so the handle is never leaked.
    int rc = sqlite3_close_v2(m_db);
    m_db = nullptr;
    return sqlite_status(rc, "closing " + m_path.string());
}

Result<Db> Db::open(const std::filesystem::path& path, const DbOptions& options) {
    int flags = SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX;
    switch (options.mode) {
        case OpenMode::read_write_create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
        case OpenMode::read_write: flags |= SQLITE_OPEN_READWRITE; break;
        case OpenMode::read_only: flags |= SQLITE_OPEN_READONLY; break;
    }
    Db db;
    db.m_path = path;
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags,
                             options.vfs.empty() ? nullptr : options.vfs.c_str());
    db.m_db = raw;   // owned even on failure: sqlite3_open_v2 may return a handle to close
    if (rc != SQLITE_OK) return sqlite_status(rc, "opening " + path.string(), raw);
    sqlite3_extended_result_codes(raw, 1);

    int busy_ms = std::max(options.busy_timeout_ms, 5000);
    FS_RETURN_IF_ERROR(db.error(sqlite3_busy_timeout(raw, busy_ms), "busy_timeout"));
    int on = 0;
    FS_RETURN_IF_ERROR(db.error(sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, &on), "defensive"));
    FS_RETURN_IF_ERROR(db.error(sqlite3_db_config(raw, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &on), "trusted_schema"));
    FS_RETURN_IF_ERROR(db.exec("PRAGMA trusted_schema=OFF; PRAGMA foreign_keys=ON;"));
    if (options.mode != OpenMode::read_only) {
        // journal_mode reads the database header: this is where a non-database file is noticed.
        FS_ASSIGN_OR_RETURN(std::string mode, db.query_text("PRAGMA journal_mode=WAL"));
        if (mode != "wal")
            return make_error(ErrorCode::io_error, "opening " + path.string() +
                                                       ": journal_mode is '" + mode + "', not 'wal'");
        FS_RETURN_IF_ERROR(db.exec("PRAGMA synchronous=FULL;"));
        FS_RETURN_IF_ERROR(db.check_settings().with_context("opening " + path.string()));
    }
    return db;
}

Status Db::error(int rc, std::string_view context) const { return sqlite_status(rc, context, m_db); }

Status Db::exec(std::string_view sql) {
    if (m_db == nullptr) return make_error(ErrorCode::invalid_argument, "database is not open");
    std::string owned(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(m_db, owned.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return {};
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    std::string snippet = owned.substr(0, 60);
    return {error_code_for_sqlite(rc),
            "exec '" + snippet + (owned.size() > 60 ? "...'" : "'") + ": " + msg + code_suffix(rc)};
}

namespace {
template <class F>
auto query_first(sqlite3* db, std::string_view sql, F&& read) -> Result<decltype(read(nullptr))> {
    using T = decltype(read(nullptr));
    if (db == nullptr) return make_error(ErrorCode::invalid_argument, "database is not open");
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_status(rc, std::string(sql), db);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        T value = read(stmt);
        sqlite3_finalize(stmt);
        return value;
    }
    Status s = rc == SQLITE_DONE ? make_error(ErrorCode::not_found, std::string(sql) + ": no row")
                                 : sqlite_status(rc, std::string(sql), db);
    sqlite3_finalize(stmt);
    return s;
}
}  // namespace

Result<std::int64_t> Db::query_int64(std::string_view sql) {
    return query_first(m_db, sql, [](sqlite3_stmt* s) { return static_cast<std::int64_t>(sqlite3_column_int64(s, 0)); });
}

Result<std::string> Db::query_text(std::string_view sql) {
    return query_first(m_db, sql, [](sqlite3_stmt* s) {
        const unsigned char* t = sqlite3_column_text(s, 0);
        return t != nullptr ? std::string(reinterpret_cast<const char*>(t)) : std::string();
    });
}

Result<DbSettings> Db::read_settings() const {
    Db& self = const_cast<Db&>(*this);  // the reads below do not change the connection
    DbSettings s;
    FS_ASSIGN_OR_RETURN(s.journal_mode, self.query_text("PRAGMA journal_mode"));
    FS_ASSIGN_OR_RETURN(std::int64_t sync, self.query_int64("PRAGMA synchronous"));
    FS_ASSIGN_OR_RETURN(std::int64_t fk, self.query_int64("PRAGMA foreign_keys"));
    FS_ASSIGN_OR_RETURN(std::int64_t trusted, self.query_int64("PRAGMA trusted_schema"));
    FS_ASSIGN_OR_RETURN(std::int64_t busy, self.query_int64("PRAGMA busy_timeout"));
    int defensive = 0;
    FS_RETURN_IF_ERROR(error(sqlite3_db_config(m_db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive), "defensive"));
    s.synchronous = static_cast<int>(sync);
    s.foreign_keys = fk != 0;
    s.trusted_schema = trusted != 0;
    s.busy_timeout_ms = static_cast<int>(busy);
    s.defensive = defensive != 0;
    return s;
}

Status Db::check_settings() const {
    FS_ASSIGN_OR_RETURN(DbSettings s, read_settings());
    auto fail = [](const std::string& what) {
        return make_error(ErrorCode::internal, "connection setting not in effect: " + what);
    };
    if (s.journal_mode != "wal") return fail("journal_mode=" + s.journal_mode + " (want wal)");
    if (s.synchronous != 2) return fail("synchronous=" + std::to_string(s.synchronous) + " (want 2=FULL)");
    if (!s.foreign_keys) return fail("foreign_keys=OFF");
    if (!s.defensive) return fail("SQLITE_DBCONFIG_DEFENSIVE off");
    if (s.trusted_schema) return fail("trusted_schema=ON");
    if (s.busy_timeout_ms < 5000) return fail("busy_timeout=" + std::to_string(s.busy_timeout_ms) + " ms (< 5000)");
    return {};
}

std::int64_t Db::last_insert_rowid() const noexcept { return m_db ? sqlite3_last_insert_rowid(m_db) : 0; }
int Db::changes() const noexcept { return m_db ? sqlite3_changes(m_db) : 0; }

}  // namespace farsight::storage
