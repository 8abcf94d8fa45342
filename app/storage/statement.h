// Statement: RAII prepared statement (sqlite3_stmt) with typed bind/step/column and reset.
// Parameters are 1-based as in SQLite; columns are 0-based.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "farsight/engine/status.h"
#include "storage/db.h"

struct sqlite3_stmt;

namespace farsight::storage {

class Statement {
public:
    static Result<Statement> prepare(Db& db, std::string_view sql);

    Statement() = default;
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Status bind_int64(int index, std::int64_t value);
    Status bind_double(int index, double value);
    Status bind_text(int index, std::string_view value);
    Status bind_blob(int index, std::span<const std::byte> value);
    Status bind_null(int index);
    // Binds each argument in order from parameter 1: integers, bool, double, strings,
    // std::optional<...> (nullopt binds NULL), std::nullopt.
    template <class... Args>
    Status bind_all(const Args&... args);

    // true: a row is ready to read; false: the statement is done.
    Result<bool> step();
    // Steps to completion (statements that return no rows), then resets.
    Status run();
    Status reset();           // ready to step again with the same bindings
    void clear_bindings();

    int column_count() const;
    bool column_is_null(int col) const;
    std::int64_t column_int64(int col) const;
    double column_double(int col) const;
    std::string column_text(int col) const;
    std::optional<std::int64_t> column_opt_int64(int col) const;
    std::string column_name(int col) const;

    sqlite3_stmt* handle() const noexcept { return m_stmt; }

private:
    template <class T>
    Status bind_one(int index, const T& value);

    sqlite3_stmt* m_stmt = nullptr;
    sqlite3* m_db = nullptr;
};

template <class T>
Status Statement::bind_one(int index, const T& value) {
    using U = std::decay_t<T>;
    if constexpr (std::is_same_v<U, std::nullopt_t>) {
        return bind_null(index);
    } else if constexpr (std::is_same_v<U, bool>) {
        return bind_int64(index, value ? 1 : 0);
    } else if constexpr (std::is_integral_v<U>) {
        return bind_int64(index, static_cast<std::int64_t>(value));
    } else if constexpr (std::is_floating_point_v<U>) {
        return bind_double(index, static_cast<double>(value));
    } else if constexpr (std::is_convertible_v<const U&, std::string_view>) {
        return bind_text(index, std::string_view(value));
    } else {
        // std::optional<X>
        if (!value.has_value()) return bind_null(index);
        return bind_one(index, *value);
    }
}

template <class... Args>
Status Statement::bind_all(const Args&... args) {
    int index = 0;
    Status status;
    ((status.ok() ? (status = bind_one(++index, args), 0) : 0), ...);
    return status;
}

}  // namespace farsight::storage
