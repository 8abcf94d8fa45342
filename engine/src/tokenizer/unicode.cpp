// UTF-8 helpers and ICU-backed Unicode predicates matching the Rust semantics used by HF `tokenizers`.
#include "tokenizer/unicode.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

namespace farsight::tok {

char32_t prev_cp(std::string_view s, std::size_t end) {
    std::size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    std::size_t i = start;
    return next_cp(s, i);
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

namespace {

// Length of the valid UTF-8 sequence at p[0..n), or 0 when invalid; `*valid_prefix` receives the length of
// the longest prefix that could still start a valid sequence (the "maximal subpart", at least 1).
std::size_t valid_sequence(const unsigned char* p, std::size_t n, std::size_t* maximal_subpart) {
    const unsigned char b0 = p[0];
    *maximal_subpart = 1;
    if (b0 < 0x80) return 1;
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte (Unicode Table 3-7)
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    for (std::size_t k = 1; k < len; ++k) {
        if (k >= n) return 0;
        const unsigned char b = p[k];
        const bool ok = k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
        if (!ok) return 0;
        *maximal_subpart = k + 1;
    }
    return len;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    std::size_t i = 0, n = s.size(), sub;
    while (i < n) {
        if (p[i] < 0x80) {
            ++i;
            continue;
        }
        const std::size_t len = valid_sequence(p + i, n - i, &sub);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

void append_utf8_lossy(std::string& out, std::string_view bytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t i = 0, n = bytes.size(), sub;
    out.reserve(out.size() + n);
    while (i < n) {
        const std::size_t len = valid_sequence(p + i, n - i, &sub);
        if (len == 0) {
            out += "\xEF\xBF\xBD";
            i += sub;
        } else {
            out.append(bytes.data() + i, len);
            i += len;
        }
    }
}

bool is_white_space(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)); }

bool is_numeric(char32_t c) {
    const auto mask = U_GET_GC_MASK(static_cast<UChar32>(c));
    return (mask & (U_GC_ND_MASK | U_GC_NL_MASK | U_GC_NO_MASK)) != 0;
}

bool is_punctuation(char32_t c) {
    if (c < 0x80) return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
                         (c >= 0x7B && c <= 0x7E);
    return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_P_MASK) != 0;
}

bool is_regex_word(char32_t c) {
    const auto u = static_cast<UChar32>(c);
    if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if ((U_GET_GC_MASK(u) & (U_GC_M_MASK | U_GC_ND_MASK | U_GC_PC_MASK)) != 0) return true;
    return u_hasBinaryProperty(u, UCHAR_ALPHABETIC) || u_hasBinaryProperty(u, UCHAR_JOIN_CONTROL);
}

bool is_nonspacing_mark(char32_t c) { return u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK; }

bool normalize(std::string_view s, NormalForm form, std::string& out) {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* n = nullptr;
    switch (form) {
    case NormalForm::nfc: n = icu::Normalizer2::getNFCInstance(err); break;
    case NormalForm::nfd: n = icu::Normalizer2::getNFDInstance(err); break;
    case NormalForm::nfkc: n = icu::Normalizer2::getNFKCInstance(err); break;
    case NormalForm::nfkd: n = icu::Normalizer2::getNFKDInstance(err); break;
    }
    if (U_FAILURE(err) || n == nullptr) return false;
    const icu::StringPiece piece(s.data(), static_cast<int32_t>(s.size()));
    // Most text is already normalized (and ASCII always is): skip the copy through ICU's sink then.
    if (n->isNormalizedUTF8(piece, err) && U_SUCCESS(err)) {
        out.assign(s);
        return true;
    }
    err = U_ZERO_ERROR;
    out.clear();
    icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(s.size()));
    n->normalizeUTF8(0, piece, sink, nullptr, err);
    return U_SUCCESS(err);
}

void to_lowercase(std::string_view s, std::string& out) {
    out.clear();
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
            ++i;
            continue;
        }
        const char32_t c = next_cp(s, i);
        // U+0130 is the one character whose unconditional full lowercase mapping is not a single
        // character (SpecialCasing.txt); ICU's u_tolower gives the simple mapping for everything else.
        if (c == 0x130) {
            out += "i\xCC\x87";
            continue;
        }
        append_utf8(out, static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))));
    }
}

}  // namespace farsight::tok
