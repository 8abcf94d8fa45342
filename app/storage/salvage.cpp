// Best-effort row salvage from a damaged database into a fresh one (the SQLite in use has no
// sqlite3_recover/sqlite_dbpage, so this copies readable rows table by table, skipping bad ranges).
#include <sqlite3.h>

#include <random>
#include <set>

#include "storage/recovery.h"
#include "storage/statement.h"
#include "storage/transaction.h"

namespace farsight::storage {

namespace {

// Parents before children, so foreign keys can be repaired after the copy.
constexpr std::string_view kTables[] = {"conversations", "messages", "attachments", "drafts", "engine_snapshots"};
constexpr int kMaxFailuresPerTable = 64;

struct RawDb {
    sqlite3* db = nullptr;
    ~RawDb() { if (db) sqlite3_close_v2(db); }
};

std::vector<std::string> columns_of(sqlite3* db, std::string_view table) {
    std::vector<std::string> cols;
    sqlite3_stmt* st = nullptr;
    std::string sql = "SELECT name FROM pragma_table_info('" + std::string(table) + "')";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return cols;
    while (sqlite3_step(st) == SQLITE_ROW) cols.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    return cols;
}

// Copies rows of `table` by rowid ranges; a read error skips ahead exponentially.
std::int64_t copy_table(sqlite3* from, Db& into, std::string_view table, std::string& detail) {
    std::vector<std::string> src = columns_of(from, table);
    std::vector<std::string> dst = columns_of(into.handle(), table);
    std::set<std::string> dst_set(dst.begin(), dst.end());
    std::string cols, params;
    int n_cols = 0;
    for (const std::string& c : src) {
        if (!dst_set.count(c)) continue;
        cols += (n_cols ? ", " : "") + c;
        params += n_cols ? ", ?" : "?";
        ++n_cols;
    }
    if (n_cols == 0) {
        detail += std::string(table) + ": not readable; ";
        return 0;
    }
    std::string select = "SELECT rowid, " + cols + " FROM " + std::string(table) + " WHERE rowid > ? ORDER BY rowid";
    std::string insert = "INSERT OR IGNORE INTO " + std::string(table) + " (" + cols + ") VALUES (" + params + ")";
    sqlite3_stmt* sel = nullptr;
    if (sqlite3_prepare_v2(from, select.c_str(), -1, &sel, nullptr) != SQLITE_OK) {
        detail += std::string(table) + ": " + sqlite3_errmsg(from) + "; ";
        return 0;
    }
    auto ins = Statement::prepare(into, insert);
    if (!ins.ok()) {
        sqlite3_finalize(sel);
        detail += ins.status().message() + "; ";
        return 0;
    }
    std::int64_t copied = 0, last = INT64_MIN, skip = 1;
    int failures = 0;
    for (;;) {
        sqlite3_bind_int64(sel, 1, last);
        int rc;
        while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
            last = sqlite3_column_int64(sel, 0);
            for (int i = 0; i < n_cols; ++i) sqlite3_bind_value(ins->handle(), i + 1, sqlite3_column_value(sel, i + 1));
            if (sqlite3_step(ins->handle()) == SQLITE_DONE && into.changes() > 0) ++copied;
            sqlite3_reset(ins->handle());
            skip = 1;
        }
        sqlite3_reset(sel);
        if (rc == SQLITE_DONE) break;
        if (++failures > kMaxFailuresPerTable) {
            detail += std::string(table) + ": gave up after repeated read errors; ";
            break;
        }
        if (last == INT64_MIN) last = 0;
        last = last > INT64_MAX - skip ? INT64_MAX : last + skip;   // skip past the unreadable range
        skip = skip > (INT64_MAX >> 2) ? skip : skip * 4;
        if (last == INT64_MAX) break;
    }
    sqlite3_finalize(sel);
    if (failures > 0) detail += std::string(table) + ": some rows unreadable; ";
    return copied;
}

// Rows whose references were lost with the damage are re-rooted or dropped.
constexpr std::string_view kRepairs =
    "DELETE FROM messages WHERE conversation_id NOT IN (SELECT id FROM conversations);"
    "UPDATE messages SET parent_id = NULL WHERE parent_id IS NOT NULL AND parent_id NOT IN (SELECT id FROM messages);"
    "UPDATE messages SET active_child_id = NULL WHERE active_child_id IS NOT NULL AND active_child_id NOT IN (SELECT id FROM messages);"
    "UPDATE conversations SET active_root_id = NULL WHERE active_root_id IS NOT NULL AND active_root_id NOT IN (SELECT id FROM messages);"
    "DELETE FROM attachments WHERE conversation_id NOT IN (SELECT id FROM conversations);"
    "UPDATE attachments SET message_id = NULL WHERE message_id IS NOT NULL AND message_id NOT IN (SELECT id FROM messages);"
    "DELETE FROM drafts WHERE conversation_id NOT IN (SELECT id FROM conversations);"
    "DELETE FROM engine_snapshots WHERE conversation_id NOT IN (SELECT id FROM conversations);"
    "UPDATE engine_snapshots SET up_to_message_id = NULL WHERE up_to_message_id IS NOT NULL AND up_to_message_id NOT IN (SELECT id FROM messages);"
    "UPDATE messages SET status = 'interrupted' WHERE status = 'streaming';";

}  // namespace

void salvage_into(const std::filesystem::path& moved_aside, Db& into, RecoveryReport& report) {
    report.salvage_attempted = true;
    // Work on a copy: opening the original could replay its WAL into it or rewrite its -shm.
    std::random_device rd;
    std::filesystem::path copy = moved_aside.string() + ".salvage-" + std::to_string(rd());
    std::error_code ec;
    std::filesystem::copy_file(moved_aside, copy, ec);
    if (ec) {
        report.salvage_detail = "could not copy the damaged file: " + ec.message();
        return;
    }
    std::filesystem::path wal = moved_aside.string() + "-wal";
    if (std::filesystem::exists(wal, ec)) std::filesystem::copy_file(wal, copy.string() + "-wal", ec);
    struct Cleanup {
        std::filesystem::path p;
        ~Cleanup() {
            std::error_code e;
            for (const char* s : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(p.string() + s, e);
        }
    } cleanup{copy};

    RawDb src;
    int rc = sqlite3_open_v2(copy.c_str(), &src.db, SQLITE_OPEN_READWRITE, nullptr);
    if (rc != SQLITE_OK) {
        report.salvage_detail = std::string("cannot open the damaged copy: ") + sqlite3_errstr(rc);
        return;
    }
    // writable_schema lets SQLite read a file whose header claims more pages than it holds (a
    // truncation); it needs defensive mode off. Harmless here: a private copy, queried read-only,
    // with no schema code (triggers, views) trusted.
    int on = 0;
    sqlite3_db_config(src.db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &on);
    sqlite3_exec(src.db, "PRAGMA query_only=ON; PRAGMA writable_schema=ON;", nullptr, nullptr, nullptr);

    // Foreign keys stay off during the copy (rows arrive before what they point to) and are
    // repaired afterwards; PRAGMA foreign_keys is a no-op inside a transaction, so it comes first.
    if (!into.exec("PRAGMA foreign_keys=OFF").ok()) return;
    {
        auto tx = Transaction::begin(into);
        if (!tx.ok()) {
            report.salvage_detail = tx.status().message();
            (void)into.exec("PRAGMA foreign_keys=ON");
            return;
        }
        for (std::string_view table : kTables) (void)copy_table(src.db, into, table, report.salvage_detail);
        Status s = into.exec(kRepairs);
        // Counted after the repairs: the fresh database held nothing before the copy.
        for (std::string_view table : kTables) {
            auto n = into.query_int64("SELECT count(*) FROM " + std::string(table));
            if (!n.ok()) continue;
            report.rows_salvaged += *n;
            if (table == "messages") report.messages_salvaged = *n;
        }
        if (s.ok()) s = tx->commit();
        if (!s.ok()) {
            report.salvage_detail += "could not save the salvaged rows: " + s.message();
            report.rows_salvaged = report.messages_salvaged = 0;
        }
    }
    (void)into.exec("PRAGMA foreign_keys=ON");
    if (report.salvage_detail.empty()) report.salvage_detail = "all readable tables copied";
}

}  // namespace farsight::storage
