// Folding for quote matching (see text_normalize.h). Ranges follow the Unicode 15 block chart;
// the case mappings cover Latin-1, Latin Extended-A, Greek and Cyrillic (enough for citations).
#include "ingest/text_normalize.h"

#include <cstring>

namespace farsight::ingest {

namespace {

int put_utf8(char32_t cp, char* out) {
    if (cp < 0x80) { out[0] = static_cast<char>(cp); return 1; }
    if (cp < 0x800) {
        out[0] = static_cast<char>(0xC0 | (cp >> 6));
        out[1] = static_cast<char>(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = static_cast<char>(0xE0 | (cp >> 12));
        out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out[2] = static_cast<char>(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = static_cast<char>(0xF0 | (cp >> 18));
    out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[3] = static_cast<char>(0x80 | (cp & 0x3F));
    return 4;
}

int put_ascii(const char* s, char* out) {
    const auto n = static_cast<int>(std::strlen(s));
    std::memcpy(out, s, static_cast<size_t>(n));
    return n;
}

char32_t lower_latin_ext_a(char32_t cp) {
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) return cp | 1;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return (cp & 1) ? cp + 1 : cp;
    if (cp == 0x178) return 0xFF;
    return cp;
}

inline bool ascii_keep(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

char32_t decode_utf8(const char* s, size_t n, size_t& length) {
    const auto* p = reinterpret_cast<const unsigned char*>(s);
    const unsigned char c = p[0];
    length = 1;
    if (c < 0x80) return c;
    int len = 0;
    char32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    else return 0xFFFD;
    if (static_cast<size_t>(len) > n) return 0xFFFD;
    for (int i = 1; i < len; ++i) {
        if ((p[i] & 0xC0) != 0x80) return 0xFFFD;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    length = static_cast<size_t>(len);
    return cp;
}

int fold_code_point(char32_t cp, char out[12]) {
    if (cp < 0x80) {
        auto c = static_cast<unsigned char>(cp);
        if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + 32);
        if (!ascii_keep(c)) return 0;
        out[0] = static_cast<char>(c);
        return 1;
    }
    if (cp < 0xC0) {
        switch (cp) {
            case 0xAA: return put_ascii("a", out);
            case 0xB2: return put_ascii("2", out);
            case 0xB3: return put_ascii("3", out);
            case 0xB9: return put_ascii("1", out);
            case 0xBA: return put_ascii("o", out);
            case 0xB5: return put_utf8(0x3BC, out);
            default: return 0;   // NBSP, soft hyphen, «», punctuation, symbols
        }
    }
    if (cp <= 0xFF) {
        if (cp == 0xD7 || cp == 0xF7) return 0;
        if (cp <= 0xDE) cp += 0x20;
        return put_utf8(cp, out);
    }
    if (cp <= 0x17F) return put_utf8(lower_latin_ext_a(cp), out);
    if (cp >= 0x300 && cp <= 0x36F) return 0;                         // combining marks
    if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return put_utf8(cp + 0x20, out);
    if (cp >= 0x410 && cp <= 0x42F) return put_utf8(cp + 0x20, out);
    if (cp >= 0x400 && cp <= 0x40F) return put_utf8(cp + 0x50, out);
    if (cp >= 0x2000 && cp <= 0x206F) return 0;                       // spaces, dashes, quotes, …
    if (cp == 0x2070) return put_ascii("0", out);
    if (cp >= 0x2074 && cp <= 0x2079) { out[0] = static_cast<char>('4' + (cp - 0x2074)); return 1; }
    if (cp >= 0x2080 && cp <= 0x2089) { out[0] = static_cast<char>('0' + (cp - 0x2080)); return 1; }
    if (cp >= 0x207A && cp <= 0x2BFF) return 0;                       // currency, symbols, arrows, math
    if (cp >= 0x2E00 && cp <= 0x2E7F) return 0;                       // supplemental punctuation
    if (cp >= 0x3000 && cp <= 0x303F) return 0;                       // CJK punctuation
    switch (cp) {
        case 0xFB00: return put_ascii("ff", out);
        case 0xFB01: return put_ascii("fi", out);
        case 0xFB02: return put_ascii("fl", out);
        case 0xFB03: return put_ascii("ffi", out);
        case 0xFB04: return put_ascii("ffl", out);
        case 0xFB05:
        case 0xFB06: return put_ascii("st", out);
        default: break;
    }
    if (cp >= 0xFE00 && cp <= 0xFE0F) return 0;                       // variation selectors
    if (cp >= 0xFE30 && cp <= 0xFE6F) return 0;                       // compatibility punctuation
    if (cp == 0xFEFF) return 0;
    if (cp >= 0xFF01 && cp <= 0xFF5E) return fold_code_point(cp - 0xFEE0, out);   // full-width ASCII
    if (cp >= 0xFF5F && cp <= 0xFF65) return 0;
    if (cp >= 0xFFF0 && cp <= 0xFFFF) return 0;                       // specials, U+FFFD
    if (cp >= 0x1F000 && cp <= 0x1FAFF) return 0;                     // emoji and pictographs
    if (cp >= 0xE0000 && cp <= 0xE007F) return 0;                     // tags
    return put_utf8(cp, out);
}

std::string normalize(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    char buf[12];
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            const unsigned char l = (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c;
            if (ascii_keep(l)) out += static_cast<char>(l);
            ++i;
            continue;
        }
        size_t len = 1;
        const char32_t cp = decode_utf8(s.data() + i, s.size() - i, len);
        out.append(buf, static_cast<size_t>(fold_code_point(cp, buf)));
        i += len;
    }
    return out;
}

Result<NormalizedText> NormalizedText::build(std::string_view original, const CancelToken* stop) {
    NormalizedText nt;
    nt.m_original = original;
    nt.m_text.reserve(original.size());
    nt.m_checkpoints.reserve(original.size() / k_block + 2);
    std::string& out = nt.m_text;
    char buf[12];
    uint64_t next_block = 0;   // folded offset of the next checkpoint to record
    size_t next_stop_check = size_t{4} << 20;
    for (size_t i = 0; i < original.size();) {
        if (i >= next_stop_check) {
            if (stop && stop->cancelled()) return make_error(ErrorCode::cancelled, "citation index cancelled");
            next_stop_check += size_t{4} << 20;
        }
        const auto c = static_cast<unsigned char>(original[i]);
        size_t len = 1;
        int n = 0;
        if (c < 0x80) {
            const unsigned char l = (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c;
            if (ascii_keep(l)) {
                // The common case: one byte in, one byte out.
                if (out.size() >= next_block) {
                    nt.m_checkpoints.push_back({out.size(), i});
                    next_block += k_block;
                }
                out.push_back(static_cast<char>(l));
            }
            ++i;
            continue;
        } else {
            n = fold_code_point(decode_utf8(original.data() + i, original.size() - i, len), buf);
        }
        if (n > 0) {
            while (out.size() >= next_block) {
                nt.m_checkpoints.push_back({out.size(), i});
                next_block += k_block;
            }
            out.append(buf, static_cast<size_t>(n));
        }
        i += len;
    }
    if (out.size() >= (uint64_t{1} << 32))
        return make_error(ErrorCode::limit_exceeded, "document too large for the citation index (over 4 GiB of text)");
    return nt;
}

uint64_t NormalizedText::to_original(uint64_t pos) const {
    size_t b = static_cast<size_t>(pos / k_block);
    if (b >= m_checkpoints.size()) b = m_checkpoints.size() - 1;
    while (b > 0 && m_checkpoints[b].folded > pos) --b;
    uint64_t folded = m_checkpoints[b].folded;
    uint64_t i = m_checkpoints[b].original;
    char buf[12];
    while (i < m_original.size()) {
        size_t len = 1;
        const char32_t cp = decode_utf8(m_original.data() + i, m_original.size() - i, len);
        const int n = fold_code_point(cp, buf);
        if (n > 0 && folded + static_cast<uint64_t>(n) > pos) return i;
        folded += static_cast<uint64_t>(n);
        i += len;
    }
    return m_original.size();
}

uint64_t NormalizedText::to_original_end(uint64_t end) const {
    const uint64_t start = to_original(end - 1);
    if (start >= m_original.size()) return m_original.size();
    size_t len = 1;
    decode_utf8(m_original.data() + start, m_original.size() - start, len);
    return start + len;
}

uint64_t NormalizedText::memory_bytes() const noexcept {
    return m_text.capacity() + m_checkpoints.capacity() * sizeof(Checkpoint);
}

}  // namespace farsight::ingest
