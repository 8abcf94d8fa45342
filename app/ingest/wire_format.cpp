// The helper's stdout framing and stderr progress lines (format in wire_format.h).
#include "ingest/wire_format.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <nlohmann/json.hpp>

#include "ingest/provenance_json.h"

namespace farsight::ingest::wire {

namespace {

Status write_all(int fd, const char* p, size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return make_error(ErrorCode::io_error, std::string("write to the parent failed: ") + std::strerror(errno));
        p += w;
        n -= static_cast<size_t>(w);
    }
    return {};
}

Status write_frame(int fd, char type, std::string_view payload) {
    char head[9];
    head[0] = type;
    uint64_t len = payload.size();
    for (int i = 0; i < 8; ++i) head[1 + i] = static_cast<char>((len >> (8 * i)) & 0xFF);
    FS_RETURN_IF_ERROR(write_all(fd, head, sizeof head));
    return write_all(fd, payload.data(), payload.size());
}

Status malformed(std::string why) {
    return make_error(ErrorCode::io_error, "the extraction helper sent a malformed result (" + std::move(why) + ")");
}

}  // namespace

ErrorCode error_code_from_name(std::string_view name) noexcept {
    for (int i = 0; i <= static_cast<int>(ErrorCode::bad_config); ++i) {
        const auto code = static_cast<ErrorCode>(i);
        if (error_code_name(code) == name) return code;
    }
    return ErrorCode::internal;
}

Status write_result(int fd, const Result<Document>& result) {
    FS_RETURN_IF_ERROR(write_all(fd, k_magic.data(), k_magic.size()));
    if (result.ok()) {
        FS_RETURN_IF_ERROR(write_frame(fd, 'M', provenance_to_json(*result)));
        FS_RETURN_IF_ERROR(write_frame(fd, 'T', result->text()));
    } else {
        const nlohmann::json err = {{"code", std::string(error_code_name(result.status().code()))},
                                    {"message", result.status().message()}};
        FS_RETURN_IF_ERROR(write_frame(fd, 'E', err.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    }
    return write_frame(fd, 'Z', {});
}

Result<Document> read_result(std::string bytes) {
    if (bytes.size() < k_magic.size() || std::string_view(bytes).substr(0, k_magic.size()) != k_magic)
        return malformed(bytes.empty() ? "no output" : "bad magic");
    size_t pos = k_magic.size();
    std::string meta, error;
    bool have_meta = false, have_text = false, have_error = false, ended = false;
    size_t text_begin = 0, text_len = 0;
    while (pos < bytes.size()) {
        if (ended) return malformed("data after the end frame");
        if (bytes.size() - pos < 9) return malformed("truncated frame header");
        const char type = bytes[pos];
        uint64_t len = 0;
        for (int i = 0; i < 8; ++i) len |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[pos + 1 + i])) << (8 * i);
        pos += 9;
        if (len > bytes.size() - pos) return malformed("frame longer than the output");
        const std::string_view payload(bytes.data() + pos, len);
        switch (type) {
            case 'M': meta.assign(payload); have_meta = true; break;
            case 'T': text_begin = pos; text_len = len; have_text = true; break;
            case 'E': error.assign(payload); have_error = true; break;
            case 'Z': ended = true; break;
            default: return malformed("unknown frame type");
        }
        pos += len;
    }
    if (!ended) return malformed("no end frame: the helper stopped early");
    if (have_error) {
        const auto j = nlohmann::json::parse(error, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("code") || !j["code"].is_string() ||
            !j.contains("message") || !j["message"].is_string())
            return malformed("bad error frame");
        return make_error(error_code_from_name(j["code"].get<std::string>()), j["message"].get<std::string>());
    }
    if (!have_meta || !have_text) return malformed("missing provenance or text");
    // Reuse the capture buffer for the text: no second copy of tens of MB.
    std::string text = std::move(bytes);
    text.erase(0, text_begin);
    text.resize(text_len);
    auto doc = document_from_json(std::move(text), meta);
    if (!doc.ok()) return malformed(doc.status().message());
    return doc;
}

std::string format_progress(const Progress& p) {
    return "progress bytes_done=" + std::to_string(p.bytes_done) + " bytes_total=" + std::to_string(p.bytes_total) +
           " pages_done=" + std::to_string(p.pages_done) + " pages_total=" + std::to_string(p.pages_total) +
           " file=" + std::to_string(p.file) + " n_files=" + std::to_string(p.n_files);
}

std::optional<Progress> parse_progress(std::string_view line) {
    constexpr std::string_view prefix = "progress ";
    if (line.substr(0, prefix.size()) != prefix) return std::nullopt;
    line.remove_prefix(prefix.size());
    Progress p;
    int n_fields = 0;
    while (!line.empty()) {
        const size_t sp = line.find(' ');
        const std::string_view field = line.substr(0, sp);
        line = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
        const size_t eq = field.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        const std::string_view key = field.substr(0, eq), value = field.substr(eq + 1);
        uint64_t v = 0;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec != std::errc() || ptr != value.data() + value.size()) return std::nullopt;
        const auto i32 = static_cast<int32_t>(std::min<uint64_t>(v, INT32_MAX));
        if (key == "bytes_done") p.bytes_done = v;
        else if (key == "bytes_total") p.bytes_total = v;
        else if (key == "pages_done") p.pages_done = i32;
        else if (key == "pages_total") p.pages_total = i32;
        else if (key == "file") p.file = i32;
        else if (key == "n_files") p.n_files = i32;
        else continue;
        ++n_fields;
    }
    if (n_fields == 0) return std::nullopt;
    return p;
}

}  // namespace farsight::ingest::wire
