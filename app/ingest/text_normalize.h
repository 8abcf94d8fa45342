// Internal: the folding used to match quotes to sources. Keeps letters and digits only, lowercased;
// folds ligatures (ﬁ → fi), full-width forms, superscript digits; drops punctuation, quotes, dashes,
// spaces, soft hyphens and combining marks. So case, whitespace, curly vs straight quotes,
// hyphenation and line breaks all compare equal. NormalizedText maps offsets back to the source.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"
#include "farsight/engine/types.h"   // CancelToken

namespace farsight::ingest {

// One UTF-8 code point at p (n > 0 bytes available); invalid bytes decode as U+FFFD of length 1.
char32_t decode_utf8(const char* p, size_t n, size_t& length);

// Writes the folded form of `cp` (0 to 4 bytes of UTF-8; 3 for the ffi ligature) to out; returns its length.
int fold_code_point(char32_t cp, char out[12]);

// Folded form of a short string (quotes).
std::string normalize(std::string_view s);

class NormalizedText {
public:
    // O(n); checks `stop` every 4 MiB. limit_exceeded past 4 GiB of folded text.
    static Result<NormalizedText> build(std::string_view original, const CancelToken* stop = nullptr);

    const std::string& text() const noexcept { return m_text; }
    // Original offset of the code point that produced folded byte `pos` (pos < text().size()).
    uint64_t to_original(uint64_t pos) const;
    // Original offset just past the code point that produced folded byte `end - 1` (end > 0).
    uint64_t to_original_end(uint64_t end) const;
    uint64_t memory_bytes() const noexcept;

private:
    struct Checkpoint {
        uint64_t folded;     // folded offset of a code point's output
        uint64_t original;   // that code point's original offset
    };
    static constexpr uint64_t k_block = 32;   // one checkpoint per 32 folded bytes
    std::string_view m_original;
    std::string m_text;
    std::vector<Checkpoint> m_checkpoints;
};

}  // namespace farsight::ingest
