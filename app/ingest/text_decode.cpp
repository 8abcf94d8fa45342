// Streaming text decoding (contract in text_decode.h). UTF-8 is validated strictly (RFC 3629: no
// overlongs, surrogates or code points past U+10FFFF); Windows-1252 follows the WHATWG table.
#include "ingest/text_decode.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace farsight::ingest {

namespace {

constexpr size_t k_chunk = 256 * 1024;

// WHATWG windows-1252 for 0x80..0x9F; the five undefined bytes map to the C1 controls (as Latin-1).
constexpr char16_t k_cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void put_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Length of the valid UTF-8 sequence at p (n bytes available): >0 valid, 0 invalid, -1 incomplete.
int utf8_sequence(const unsigned char* p, size_t n) {
    const unsigned char c = p[0];
    int len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) { len = 3; lo = 0xA0; }
    else if (c >= 0xE1 && c <= 0xEC) len = 3;
    else if (c == 0xED) { len = 3; hi = 0x9F; }
    else if (c >= 0xEE && c <= 0xEF) len = 3;
    else if (c == 0xF0) { len = 4; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) { len = 4; hi = 0x8F; }
    else return 0;
    for (int i = 1; i < len; ++i) {
        if (static_cast<size_t>(i) >= n) return -1;
        const unsigned char b = p[i];
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) return 0;
    }
    return len;
}

inline bool word_is_plain_ascii(uint64_t w) {
    constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    return (w & highs) == 0 && ((w - ones) & ~w & highs) == 0;   // no high bit, no zero byte
}

// Appends UTF-8 to the text with CR and CRLF turned into LF, across chunk boundaries.
class LineEndWriter {
public:
    explicit LineEndWriter(std::string& out) : m_out(out) {}
    void put(const char* p, size_t n) {
        const char* end = p + n;
        if (m_pending_cr && p < end) {
            m_pending_cr = false;
            if (*p == '\n') ++p;
        }
        while (p < end) {
            const char* cr = static_cast<const char*>(std::memchr(p, '\r', static_cast<size_t>(end - p)));
            if (!cr) { m_out.append(p, static_cast<size_t>(end - p)); return; }
            m_out.append(p, static_cast<size_t>(cr - p));
            m_out += '\n';
            p = cr + 1;
            if (p == end) { m_pending_cr = true; return; }
            if (*p == '\n') ++p;
        }
    }

private:
    std::string& m_out;
    bool m_pending_cr = false;
};

// A rewindable chunked byte source: a file descriptor or bytes in memory.
class Source {
public:
    virtual ~Source() = default;
    virtual Result<std::string_view> next() = 0;   // empty at EOF
    virtual Status rewind() = 0;
};

class MemorySource final : public Source {
public:
    explicit MemorySource(std::string_view bytes) : m_bytes(bytes) {}
    Result<std::string_view> next() override {
        auto chunk = m_bytes.substr(m_pos, std::min(k_chunk, m_bytes.size() - m_pos));
        m_pos += chunk.size();
        return chunk;
    }
    Status rewind() override { m_pos = 0; return {}; }

private:
    std::string_view m_bytes;
    size_t m_pos = 0;
};

class FileSource final : public Source {
public:
    FileSource(int fd, std::string path) : m_fd(fd), m_path(std::move(path)), m_buf(k_chunk, '\0') {}
    ~FileSource() override { ::close(m_fd); }
    Result<std::string_view> next() override {
        size_t got = 0;
        while (got < m_buf.size()) {
            const ssize_t r = ::read(m_fd, m_buf.data() + got, m_buf.size() - got);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) return make_error(ErrorCode::io_error, m_path + ": read failed: " + std::strerror(errno));
            if (r == 0) break;
            got += static_cast<size_t>(r);
        }
        return std::string_view(m_buf.data(), got);
    }
    Status rewind() override {
        if (::lseek(m_fd, 0, SEEK_SET) != 0) return make_error(ErrorCode::io_error, m_path + ": seek failed");
        return {};
    }

private:
    int m_fd;
    std::string m_path;
    std::string m_buf;
};

enum class Mode { utf8, utf8_bom, utf16le, utf16be, cp1252 };

Status binary_error(uint64_t at, bool maybe_utf16) {
    std::string msg = "this looks like a binary file (NUL byte at offset " + std::to_string(at) + "), not text";
    if (maybe_utf16) msg += "; if it is UTF-16 text without a byte-order mark, save it as UTF-8";
    return make_error(ErrorCode::unsupported, std::move(msg));
}

struct DecodeRun {
    Status status;
    bool restart_as_cp1252 = false;
    uint64_t invalid_at = 0;
};

// One pass over the source in `mode`. UTF-8 without a BOM asks for a cp1252 restart on the first
// invalid byte; everything else decodes to the end.
DecodeRun run(Source& src, Mode mode, std::string& out, std::string& note, const ChunkFn& on_chunk) {
    LineEndWriter writer(out);
    std::string tmp;
    unsigned char carry[4];
    size_t n_carry = 0;
    char16_t high_surrogate = 0;
    uint64_t offset = 0;   // input offset of the chunk start
    bool first = true;
    size_t n_replaced = 0;
    for (;;) {
        auto chunk_r = src.next();
        if (!chunk_r.ok()) return {chunk_r.status()};
        std::string_view chunk = *chunk_r;
        if (first) {
            first = false;
            if (mode == Mode::utf8_bom) { chunk.remove_prefix(3); offset = 3; }
            if (mode == Mode::utf16le || mode == Mode::utf16be) { chunk.remove_prefix(2); offset = 2; }
        }
        if (chunk.empty()) break;
        const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
        const size_t n = chunk.size();
        if (mode == Mode::utf16le || mode == Mode::utf16be) {
            tmp.clear();
            size_t i = 0;
            auto unit_at = [&](const unsigned char* b) -> char16_t {
                return mode == Mode::utf16le ? static_cast<char16_t>(b[0] | (b[1] << 8))
                                             : static_cast<char16_t>((b[0] << 8) | b[1]);
            };
            while (i < n || n_carry == 1) {
                unsigned char pair[2];
                if (n_carry == 1) {
                    if (i >= n) break;
                    pair[0] = carry[0]; pair[1] = p[i]; n_carry = 0; i += 1;
                } else {
                    if (i + 1 >= n) { carry[0] = p[i]; n_carry = 1; i = n; break; }
                    pair[0] = p[i]; pair[1] = p[i + 1]; i += 2;
                }
                const char16_t u = unit_at(pair);
                if (u == 0) return {binary_error(offset + i - 2, false)};
                if (high_surrogate) {
                    if (u >= 0xDC00 && u <= 0xDFFF) {
                        put_utf8(tmp, 0x10000 + ((high_surrogate - 0xD800) << 10) + (u - 0xDC00));
                        high_surrogate = 0;
                        continue;
                    }
                    put_utf8(tmp, 0xFFFD); ++n_replaced; high_surrogate = 0;
                }
                if (u >= 0xD800 && u <= 0xDBFF) high_surrogate = u;
                else if (u >= 0xDC00 && u <= 0xDFFF) { put_utf8(tmp, 0xFFFD); ++n_replaced; }
                else put_utf8(tmp, u);
            }
            writer.put(tmp.data(), tmp.size());
        } else if (mode == Mode::cp1252) {
            tmp.clear();
            for (size_t i = 0; i < n; ++i) {
                const unsigned char c = p[i];
                if (c == 0) return {binary_error(offset + i, false)};
                if (c < 0x80) tmp += static_cast<char>(c);
                else if (c < 0xA0) put_utf8(tmp, k_cp1252_high[c - 0x80]);
                else put_utf8(tmp, c);
            }
            writer.put(tmp.data(), tmp.size());
        } else {
            // UTF-8: validate in place; complete sequences go straight to the writer.
            size_t i = 0;
            if (n_carry) {
                // Finish the sequence split across chunks.
                unsigned char seq[4];
                std::memcpy(seq, carry, n_carry);
                size_t take = std::min<size_t>(4 - n_carry, n);
                std::memcpy(seq + n_carry, p, take);
                const int len = utf8_sequence(seq, n_carry + take);
                if (len > 0) {
                    writer.put(reinterpret_cast<const char*>(seq), static_cast<size_t>(len));
                    i = static_cast<size_t>(len) - n_carry;
                    n_carry = 0;
                } else if (len < 0) {
                    // Still incomplete: only possible when the chunk is tiny (EOF follows).
                    std::memcpy(carry + n_carry, p, n);
                    n_carry += n;
                    offset += n;
                    if (on_chunk && !on_chunk(offset)) return {make_error(ErrorCode::cancelled, "cancelled")};
                    continue;
                } else if (mode == Mode::utf8) {
                    return {{}, true, offset - n_carry};
                } else {
                    writer.put("\xEF\xBF\xBD", 3); ++n_replaced;
                    n_carry = 0;
                }
            }
            size_t run_begin = i;
            while (i < n) {
                if (i + 8 <= n) {
                    uint64_t w;
                    std::memcpy(&w, p + i, 8);
                    if (word_is_plain_ascii(w)) { i += 8; continue; }
                }
                const unsigned char c = p[i];
                if (c == 0) return {binary_error(offset + i, mode == Mode::utf8)};
                if (c < 0x80) { ++i; continue; }
                const int len = utf8_sequence(p + i, n - i);
                if (len > 0) { i += static_cast<size_t>(len); continue; }
                if (len < 0) {
                    writer.put(reinterpret_cast<const char*>(p + run_begin), i - run_begin);
                    n_carry = n - i;
                    std::memcpy(carry, p + i, n_carry);
                    run_begin = i = n;
                    break;
                }
                if (mode == Mode::utf8) return {{}, true, offset + i};
                writer.put(reinterpret_cast<const char*>(p + run_begin), i - run_begin);
                writer.put("\xEF\xBF\xBD", 3); ++n_replaced;
                run_begin = ++i;
            }
            writer.put(reinterpret_cast<const char*>(p + run_begin), i - run_begin);
        }
        offset += n;
        if (on_chunk && !on_chunk(offset)) return {make_error(ErrorCode::cancelled, "cancelled")};
    }
    if (n_carry) {
        if (mode == Mode::utf8) return {{}, true, offset - n_carry};
        // A UTF-16 odd byte or a truncated UTF-8 sequence at the very end.
        writer.put("\xEF\xBF\xBD", 3); ++n_replaced;
    }
    if (high_surrogate) { writer.put("\xEF\xBF\xBD", 3); ++n_replaced; }
    if (n_replaced)
        note = std::to_string(n_replaced) + " invalid byte sequence(s) replaced by U+FFFD";
    return {};
}

Result<DecodedText> decode(Source& src, uint64_t size_hint, const ChunkFn& on_chunk) {
    auto head_r = src.next();
    if (!head_r.ok()) return head_r.status();
    const std::string_view head = head_r->substr(0, 4);
    FS_RETURN_IF_ERROR(src.rewind());
    auto starts = [&](std::string_view bom) { return head.substr(0, bom.size()) == bom; };
    using namespace std::string_view_literals;
    if (starts("\xFF\xFE\x00\x00"sv) || starts("\x00\x00\xFE\xFF"sv))
        return make_error(ErrorCode::unsupported, "UTF-32 text is not supported; save the file as UTF-8");
    Mode mode = Mode::utf8;
    if (starts("\xEF\xBB\xBF"sv)) mode = Mode::utf8_bom;
    else if (starts("\xFF\xFE"sv)) mode = Mode::utf16le;
    else if (starts("\xFE\xFF"sv)) mode = Mode::utf16be;

    DecodedText out;
    out.text.reserve(mode == Mode::utf16le || mode == Mode::utf16be ? size_hint + size_hint / 2 : size_hint);
    DecodeRun r = run(src, mode, out.text, out.note, on_chunk);
    if (!r.status.ok()) return r.status;
    if (r.restart_as_cp1252) {
        const uint64_t invalid_at = r.invalid_at;
        out.text.clear();
        out.text.reserve(size_hint + size_hint / 8);
        FS_RETURN_IF_ERROR(src.rewind());
        mode = Mode::cp1252;
        r = run(src, mode, out.text, out.note, on_chunk);
        if (!r.status.ok()) return r.status;
        out.note = "not valid UTF-8 (first invalid byte at offset " + std::to_string(invalid_at) +
                   "): decoded as Windows-1252";
    }
    static constexpr const char* k_names[] = {"utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252"};
    out.encoding = k_names[static_cast<int>(mode)];
    const auto n_newlines = std::count(out.text.begin(), out.text.end(), '\n');
    out.n_lines = static_cast<int32_t>(n_newlines) + (!out.text.empty() && out.text.back() != '\n' ? 1 : 0);
    return out;
}

}  // namespace

Result<DecodedText> decode_text_file(const std::string& path, uint64_t file_bytes, const ChunkFn& on_chunk) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return make_error(err == ENOENT ? ErrorCode::not_found : ErrorCode::io_error,
                          "cannot open: " + std::string(std::strerror(err)));
    }
    FileSource src(fd, path);
    return decode(src, file_bytes, on_chunk);
}

Result<DecodedText> decode_text_bytes(std::string_view bytes) {
    MemorySource src(bytes);
    return decode(src, bytes.size(), nullptr);
}

}  // namespace farsight::ingest
