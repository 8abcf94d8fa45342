// Statement: sqlite3_stmt RAII with typed binds and columns; errors carry the SQL and the message.
#include "storage/statement.h"

#include <sqlite3.h>

#include <utility>

namespace farsight::storage {

Result<Statement> Statement::prepare(Db& db, std::string_view sql) {
    if (!db.is_open()) return make_error(ErrorCode::invalid_argument, "database is not open");
    Statement st;
    st.m_db = db.handle();
    int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &st.m_stmt, nullptr);
    if (rc != SQLITE_OK) return db.error(rc, "prepare '" + std::string(sql.substr(0, 80)) + "'");
    if (st.m_stmt == nullptr) return make_error(ErrorCode::invalid_argument, "prepare: empty SQL");
    return st;
}

Statement::Statement(Statement&& other) noexcept
    : m_stmt(std::exchange(other.m_stmt, nullptr)), m_db(std::exchange(other.m_db, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (m_stmt) sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_db = std::exchange(other.m_db, nullptr);
    }
    return *this;
}

Statement::~Statement() {
    if (m_stmt) sqlite3_finalize(m_stmt);
}

namespace {
std::string sql_of(sqlite3_stmt* stmt) {
    const char* sql = stmt ? sqlite3_sql(stmt) : nullptr;
    std::string s = sql ? sql : "";
    if (s.size() > 80) s = s.substr(0, 80) + "...";
    return s;
}
}  // namespace

#define FS_BIND_CHECK(call, what)                                                        \
    do {                                                                                 \
        int rc_ = (call);                                                                \
        if (rc_ != SQLITE_OK)                                                            \
            return sqlite_status(rc_, std::string("bind ") + what + " in '" + sql_of(m_stmt) + "'", m_db); \
    } while (0)

Status Statement::bind_int64(int index, std::int64_t value) {
    FS_BIND_CHECK(sqlite3_bind_int64(m_stmt, index, value), "int");
    return {};
}

Status Statement::bind_double(int index, double value) {
    FS_BIND_CHECK(sqlite3_bind_double(m_stmt, index, value), "double");
    return {};
}

Status Statement::bind_text(int index, std::string_view value) {
    // An empty string_view may have data()==nullptr, which SQLite would store as NULL.
    static const char empty[] = "";
    FS_BIND_CHECK(sqlite3_bind_text64(m_stmt, index, value.data() ? value.data() : empty, value.size(),
                                      SQLITE_TRANSIENT, SQLITE_UTF8),
                  "text");
    return {};
}

Status Statement::bind_blob(int index, std::span<const std::byte> value) {
    static const char empty[1] = {0};
    FS_BIND_CHECK(sqlite3_bind_blob64(m_stmt, index, value.data() ? static_cast<const void*>(value.data()) : empty,
                                      value.size(), SQLITE_TRANSIENT),
                  "blob");
    return {};
}

Status Statement::bind_null(int index) {
    FS_BIND_CHECK(sqlite3_bind_null(m_stmt, index), "null");
    return {};
}

Result<bool> Statement::step() {
    if (m_stmt == nullptr) return make_error(ErrorCode::invalid_argument, "step on an empty statement");
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Status s = sqlite_status(rc, "step '" + sql_of(m_stmt) + "'", m_db);
    sqlite3_reset(m_stmt);  // releases locks/the implicit transaction of this statement
    return s;
}

Status Statement::run() {
    FS_ASSIGN_OR_RETURN(bool row, step());
    while (row) {
        FS_ASSIGN_OR_RETURN(row, step());
    }
    return reset();
}

Status Statement::reset() {
    if (m_stmt == nullptr) return {};
    // sqlite3_reset repeats the last step's error; that error was already reported by step().
    sqlite3_reset(m_stmt);
    return {};
}

void Statement::clear_bindings() {
    if (m_stmt) sqlite3_clear_bindings(m_stmt);
}

int Statement::column_count() const { return m_stmt ? sqlite3_column_count(m_stmt) : 0; }
bool Statement::column_is_null(int col) const { return sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }
std::int64_t Statement::column_int64(int col) const { return sqlite3_column_int64(m_stmt, col); }
double Statement::column_double(int col) const { return sqlite3_column_double(m_stmt, col); }

std::string Statement::column_text(int col) const {
    const unsigned char* text = sqlite3_column_text(m_stmt, col);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, col)));
}

std::optional<std::int64_t> Statement::column_opt_int64(int col) const {
    if (column_is_null(col)) return std::nullopt;
    return column_int64(col);
}

std::string Statement::column_name(int col) const {
    const char* name = sqlite3_column_name(m_stmt, col);
    return name ? name : "";
}

}  // namespace farsight::storage
