// Transaction: RAII write transaction (BEGIN IMMEDIATE). commit() or the destructor rolls back,
// so an early `return` on error never leaves a half-written change behind. Nested inside an open
// transaction it becomes a SAVEPOINT, so repo calls compose inside a caller's transaction.
#pragma once

#include "farsight/engine/status.h"
#include "storage/db.h"

namespace farsight::storage {

class Transaction {
public:
    // BEGIN IMMEDIATE: takes the write lock now (waiting up to the busy timeout), so the
    // transaction cannot fail later with SQLITE_BUSY on its first write.
    static Result<Transaction> begin(Db& db);

    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    // On failure the transaction is rolled back (the caller's data is unchanged in the DB).
    Status commit();
    Status rollback();
    bool active() const noexcept { return m_db != nullptr; }

private:
    Transaction(Db& db, int savepoint) : m_db(&db), m_savepoint(savepoint) {}
    Db* m_db = nullptr;
    int m_savepoint = 0;   // 0: the outermost BEGIN IMMEDIATE; n: SAVEPOINT fs_n
};

}  // namespace farsight::storage
