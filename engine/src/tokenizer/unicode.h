// UTF-8 helpers and the Unicode predicates/normalization forms the tokenizer components need, with the
// semantics of the Rust code in Hugging Face `tokenizers` (char::is_whitespace, char::is_numeric,
// char::to_lowercase, the regex crate's \w, unicode-normalization). Backed by ICU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace farsight::tok {

// Length of the UTF-8 sequence that starts with `lead` (1 for continuation/invalid bytes).
inline std::size_t utf8_len(unsigned char lead) {
    if (lead < 0x80) return 1;
    if (lead >= 0xF0) return 4;
    if (lead >= 0xE0) return 3;
    if (lead >= 0xC0) return 2;
    return 1;
}

// Decodes the code point at s[i] (s must be valid UTF-8) and moves i past it.
inline char32_t next_cp(std::string_view s, std::size_t& i) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
    const std::size_t n = utf8_len(p[0]);
    char32_t c;
    switch (n) {
    case 1: c = p[0]; break;
    case 2: c = (char32_t(p[0] & 0x1F) << 6) | (p[1] & 0x3F); break;
    case 3: c = (char32_t(p[0] & 0x0F) << 12) | (char32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F); break;
    default:
        c = (char32_t(p[0] & 0x07) << 18) | (char32_t(p[1] & 0x3F) << 12) | (char32_t(p[2] & 0x3F) << 6) |
            (p[3] & 0x3F);
    }
    i += n;
    return c;
}

// The code point that ends at s[end) (s valid UTF-8, end > 0).
char32_t prev_cp(std::string_view s, std::size_t end);

void append_utf8(std::string& out, char32_t c);

bool is_valid_utf8(std::string_view s);
// Replaces every maximal invalid subpart with U+FFFD, like Python's decode(errors="replace") and Rust's
// String::from_utf8_lossy (Unicode "substitution of maximal subparts").
void append_utf8_lossy(std::string& out, std::string_view bytes);

bool is_white_space(char32_t c);      // Unicode White_Space (Rust char::is_whitespace, regex \s)
bool is_numeric(char32_t c);          // Nd | Nl | No (Rust char::is_numeric)
bool is_punctuation(char32_t c);      // ASCII punctuation or P* (HF Punctuation pre-tokenizer)
bool is_regex_word(char32_t c);       // Rust regex \w: Alphabetic | M | Nd | Pc | Join_Control
bool is_nonspacing_mark(char32_t c);  // Mn (HF StripAccents)

enum class NormalForm { nfc, nfd, nfkc, nfkd };
// Normalizes s (valid UTF-8) into out. Returns false only when ICU fails (it never should).
bool normalize(std::string_view s, NormalForm form, std::string& out);

// Per-character full lowercase mapping, as Rust's char::to_lowercase (no context-dependent rules).
void to_lowercase(std::string_view s, std::string& out);

}  // namespace farsight::tok
