// Internal: best approximate occurrence of a pattern in a text near a known diagonal — semi-global
// edit distance (Sellers 1980: free start and end in the text), restricted to a band around the
// diagonal so the cost is O(m * band). Used by the fuzzy stage of citation_index.cpp.
#pragma once

#include <cstdint>
#include <string_view>

namespace farsight::ingest {

struct Alignment {
    int64_t distance = -1;   // edits (substitution, insertion, deletion); -1 when nothing aligned
    uint64_t begin = 0;      // matched text range [begin, end)
    uint64_t end = 0;
};

// `diag`: text offset where pattern[0] would sit on the diagonal (may be negative); the alignment
// stays within +-band of it. The whole pattern is consumed; the text range is free.
Alignment align_banded(std::string_view pattern, std::string_view text, int64_t diag, int64_t band);

}  // namespace farsight::ingest
