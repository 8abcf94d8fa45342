// Transaction: BEGIN IMMEDIATE (or a SAVEPOINT when nested) / COMMIT / ROLLBACK, rollback on destruction.
#include "storage/transaction.h"

#include <sqlite3.h>

#include <string>
#include <utility>

namespace farsight::storage {

namespace {
// Savepoint names only need to be unique among the open ones of one connection; a counter per
// thread is enough because a connection is used by one thread at a time.
thread_local int g_savepoint_counter = 0;
std::string savepoint_name(int n) { return "fs_sp_" + std::to_string(n); }
}  // namespace

Result<Transaction> Transaction::begin(Db& db) {
    if (!db.is_open()) return make_error(ErrorCode::invalid_argument, "database is not open");
    if (sqlite3_get_autocommit(db.handle())) {
        FS_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
        return Transaction(db, 0);
    }
    int n = ++g_savepoint_counter;
    FS_RETURN_IF_ERROR(db.exec("SAVEPOINT " + savepoint_name(n)));
    return Transaction(db, n);
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_savepoint(other.m_savepoint) {}

Transaction::~Transaction() { (void)rollback(); }

Status Transaction::commit() {
    if (m_db == nullptr) return make_error(ErrorCode::internal, "commit without an active transaction");
    Db* db = std::exchange(m_db, nullptr);
    if (m_savepoint != 0) {
        Status s = db->exec("RELEASE " + savepoint_name(m_savepoint));
        if (!s.ok() && !sqlite3_get_autocommit(db->handle()))
            (void)db->exec("ROLLBACK TO " + savepoint_name(m_savepoint) + "; RELEASE " + savepoint_name(m_savepoint));
        return s;
    }
    Status s = db->exec("COMMIT");
    // A failed COMMIT (I/O error, disk full) may leave the transaction open: roll it back so the
    // connection is usable and the DB holds the state from before this transaction.
    if (!s.ok() && !sqlite3_get_autocommit(db->handle())) (void)db->exec("ROLLBACK");
    return s;
}

Status Transaction::rollback() {
    if (m_db == nullptr) return {};
    Db* db = std::exchange(m_db, nullptr);
    // SQLite may already have rolled the whole transaction back by itself (e.g. after SQLITE_FULL).
    if (sqlite3_get_autocommit(db->handle())) return {};
    if (m_savepoint != 0)
        return db->exec("ROLLBACK TO " + savepoint_name(m_savepoint) + "; RELEASE " + savepoint_name(m_savepoint));
    return db->exec("ROLLBACK");
}

}  // namespace farsight::storage
