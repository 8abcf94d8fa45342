// Status and Result<T>: the engine's one error currency (see design.md "Errors: one currency").
// Every public function returns one of these; no exception crosses the API boundary.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace farsight {

// Typed error classes. Parsers use the fine-grained file codes so tests (and users) can tell
// exactly why a file was refused.
enum class ErrorCode {
    ok = 0,
    invalid_argument,   // bad usage / bad parameter value
    not_found,          // file, tensor or key missing
    io_error,           // read/write/mmap failed
    unsupported,        // valid input we do not handle (architecture, dtype, format)
    cancelled,          // the caller asked to stop
    out_of_memory,      // host or device allocation failed, or the memory plan does not fit
    limit_exceeded,     // a sandbox/size/context limit was hit (template loops, prompt too long)
    internal,           // a bug: should never reach a user
    device_error,       // CUDA / driver failure
    mismatch,           // data does not match what it must match (snapshot of another model, shapes)
    // Malformed files, checked before any allocation:
    bad_header,         // unreadable / truncated / non-JSON header, bad magic or version
    size_overflow,      // a length, shape product or offset overflows
    out_of_bounds,      // data offsets past the end of the file
    overlap,            // two tensors share bytes, or holes between them
    duplicate,          // the same name twice
    bad_dtype,          // unknown dtype, or dtype/byte-size mismatch
    bad_shape,          // negative, zero-product where forbidden, or wrong rank/shape
    path_escape,        // a referenced path leaves the model folder
    bad_config,         // config.json missing required keys or inconsistent values
};

std::string_view error_code_name(ErrorCode code) noexcept;

class [[nodiscard]] Status {
public:
    Status() = default;
    Status(ErrorCode code, std::string message) : m_code(code), m_message(std::move(message)) {}

    static Status ok_status() { return {}; }

    bool ok() const noexcept { return m_code == ErrorCode::ok; }
    explicit operator bool() const noexcept { return ok(); }
    ErrorCode code() const noexcept { return m_code; }
    const std::string& message() const noexcept { return m_message; }
    // "bad_header: model.safetensors: header length 2^40 exceeds file size 4096"
    std::string to_string() const;

    // Prefixes context ("loading model.safetensors: ...") while keeping the code.
    Status with_context(std::string_view context) const;

private:
    ErrorCode m_code = ErrorCode::ok;
    std::string m_message;
};

inline Status make_error(ErrorCode code, std::string message) { return {code, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::move(value)) {}                 // NOLINT: implicit by design
    Result(Status status) : m_status(std::move(status)) {          // NOLINT: implicit by design
        assert(!m_status.ok() && "a Result built from a Status must carry an error");
        if (m_status.ok()) m_status = Status(ErrorCode::internal, "Result built from an ok Status");
    }

    bool ok() const noexcept { return m_value.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    const Status& status() const noexcept { return m_status; }

    T& value() & { assert(ok()); return *m_value; }
    const T& value() const& { assert(ok()); return *m_value; }
    T&& value() && { assert(ok()); return std::move(*m_value); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::optional<T> m_value;
    Status m_status;
};

}  // namespace farsight

// Propagate an error Status from an expression returning Status.
#define FS_RETURN_IF_ERROR(expr)                           \
    do {                                                   \
        ::farsight::Status fs_status_ = (expr);            \
        if (!fs_status_.ok()) return fs_status_;           \
    } while (0)

#define FS_CONCAT_INNER_(a, b) a##b
#define FS_CONCAT_(a, b) FS_CONCAT_INNER_(a, b)
// Declare `lhs` from a Result<T> expression, or return its error Status.
#define FS_ASSIGN_OR_RETURN(lhs, expr) FS_ASSIGN_OR_RETURN_IMPL_(FS_CONCAT_(fs_result_, __LINE__), lhs, expr)
#define FS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
    auto tmp = (expr);                            \
    if (!tmp.ok()) return tmp.status();           \
    lhs = std::move(tmp).value()
