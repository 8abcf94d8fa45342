// GPT-2's byte <-> printable-character table ("bytes_to_unicode"), shared by the ByteLevel pre-tokenizer,
// normalizer and decoder. Reference: openai/gpt-2 encoder.py, HF tokenizers pre_tokenizers/byte_level.rs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace farsight::tok {

struct ByteLevelTable {
    char32_t byte_to_cp[256];
    char utf8[256][2];       // the UTF-8 spelling of byte_to_cp (1 or 2 bytes)
    uint8_t utf8_len[256];
    int16_t cp_to_byte[324];  // every mapped code point is < 0x144; -1 elsewhere
};

const ByteLevelTable& byte_level_table();

// Appends the byte-level spelling of every byte of `bytes`.
void byte_level_encode(std::string_view bytes, std::string& out);

// When every character of `token` is in the byte-level alphabet, appends the bytes it spells and returns
// true; otherwise appends nothing and returns false (HF then keeps the token's own UTF-8 bytes).
bool byte_level_decode(std::string_view token, std::string& out);

// The GPT-2 pre-tokenization regex (Oniguruma syntax) the ByteLevel pre-tokenizer uses when use_regex is on.
inline constexpr std::string_view kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

}  // namespace farsight::tok
