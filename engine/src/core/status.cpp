// Status helpers: names of error codes and message formatting.
#include "farsight/engine/status.h"

namespace farsight {

std::string_view error_code_name(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::ok: return "ok";
        case ErrorCode::invalid_argument: return "invalid_argument";
        case ErrorCode::not_found: return "not_found";
        case ErrorCode::io_error: return "io_error";
        case ErrorCode::unsupported: return "unsupported";
        case ErrorCode::cancelled: return "cancelled";
        case ErrorCode::out_of_memory: return "out_of_memory";
        case ErrorCode::limit_exceeded: return "limit_exceeded";
        case ErrorCode::internal: return "internal";
        case ErrorCode::device_error: return "device_error";
        case ErrorCode::mismatch: return "mismatch";
        case ErrorCode::bad_header: return "bad_header";
        case ErrorCode::size_overflow: return "size_overflow";
        case ErrorCode::out_of_bounds: return "out_of_bounds";
        case ErrorCode::overlap: return "overlap";
        case ErrorCode::duplicate: return "duplicate";
        case ErrorCode::bad_dtype: return "bad_dtype";
        case ErrorCode::bad_shape: return "bad_shape";
        case ErrorCode::path_escape: return "path_escape";
        case ErrorCode::bad_config: return "bad_config";
    }
    return "unknown";
}

std::string Status::to_string() const {
    if (ok()) return "ok";
    std::string s(error_code_name(m_code));
    s += ": ";
    s += m_message;
    return s;
}

Status Status::with_context(std::string_view context) const {
    if (ok()) return *this;
    std::string msg(context);
    msg += ": ";
    msg += m_message;
    return {m_code, std::move(msg)};
}

}  // namespace farsight
