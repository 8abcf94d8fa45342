// GPT-2 byte-level alphabet; see byte_level.h.
#include "tokenizer/byte_level.h"

#include "tokenizer/unicode.h"

namespace farsight::tok {
namespace {

ByteLevelTable build_table() {
    ByteLevelTable t{};
    for (auto& v : t.cp_to_byte) v = -1;
    // Printable bytes keep their code point; the rest are moved to 256, 257, ... in byte order.
    auto printable = [](int b) { return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE); };
    int next = 256;
    for (int b = 0; b < 256; ++b) {
        const char32_t cp = printable(b) ? static_cast<char32_t>(b) : static_cast<char32_t>(next++);
        t.byte_to_cp[b] = cp;
        t.cp_to_byte[cp] = static_cast<int16_t>(b);
        std::string s;
        append_utf8(s, cp);
        t.utf8_len[b] = static_cast<uint8_t>(s.size());
        t.utf8[b][0] = s[0];
        t.utf8[b][1] = s.size() > 1 ? s[1] : 0;
    }
    return t;
}

}  // namespace

const ByteLevelTable& byte_level_table() {
    static const ByteLevelTable table = build_table();
    return table;
}

void byte_level_encode(std::string_view bytes, std::string& out) {
    const ByteLevelTable& t = byte_level_table();
    for (const char ch : bytes) {
        const auto b = static_cast<unsigned char>(ch);
        out.append(t.utf8[b], t.utf8_len[b]);
    }
}

bool byte_level_decode(std::string_view token, std::string& out) {
    const ByteLevelTable& t = byte_level_table();
    const std::size_t mark = out.size();
    std::size_t i = 0;
    while (i < token.size()) {
        const char32_t c = next_cp(token, i);
        if (c >= 324 || t.cp_to_byte[c] < 0) {
            out.resize(mark);
            return false;
        }
        out.push_back(static_cast<char>(t.cp_to_byte[c]));
    }
    return true;
}

}  // namespace farsight::tok
