// Banded semi-global edit distance (see fuzzy_align.h). Row i holds cells j = diag + i - band + k,
// k in [0, 2*band]; (i-1, j-1) is the same k in the previous row, (i-1, j) is k+1, (i, j-1) is k-1.
// Each cell carries the text offset where its alignment started, so no traceback is needed.
#include "ingest/fuzzy_align.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace farsight::ingest {

Alignment align_banded(std::string_view pattern, std::string_view text, int64_t diag, int64_t band) {
    Alignment best;
    const auto m = static_cast<int64_t>(pattern.size());
    const auto n = static_cast<int64_t>(text.size());
    if (m == 0 || band < 0) return best;
    const int64_t width = 2 * band + 1;
    constexpr int32_t inf = std::numeric_limits<int32_t>::max() / 2;
    std::vector<int32_t> dist(static_cast<size_t>(width)), prev_dist(static_cast<size_t>(width));
    std::vector<int64_t> start(static_cast<size_t>(width)), prev_start(static_cast<size_t>(width));
    // Row 0: the empty pattern prefix matches anywhere, starting there.
    for (int64_t k = 0; k < width; ++k) {
        const int64_t j = diag - band + k;
        prev_dist[static_cast<size_t>(k)] = (j >= 0 && j <= n) ? 0 : inf;
        prev_start[static_cast<size_t>(k)] = j;
    }
    for (int64_t i = 1; i <= m; ++i) {
        const char pc = pattern[static_cast<size_t>(i - 1)];
        const int64_t j0 = diag + i - band;
        for (int64_t k = 0; k < width; ++k) {
            const int64_t j = j0 + k;
            const auto uk = static_cast<size_t>(k);
            if (j < 0 || j > n) { dist[uk] = inf; start[uk] = j; continue; }
            int32_t d = inf;
            int64_t s = j;
            // Deletion of pattern char i-1: from (i-1, j).
            if (k + 1 < width && prev_dist[uk + 1] + 1 < d) { d = prev_dist[uk + 1] + 1; s = prev_start[uk + 1]; }
            // Insertion of text char j-1: from (i, j-1).
            if (k > 0 && dist[uk - 1] + 1 < d) { d = dist[uk - 1] + 1; s = start[uk - 1]; }
            // Match / substitution: from (i-1, j-1).
            if (j >= 1) {
                const int32_t diag_cost = prev_dist[uk] + (text[static_cast<size_t>(j - 1)] == pc ? 0 : 1);
                if (diag_cost <= d) { d = diag_cost; s = prev_start[uk]; }
            }
            dist[uk] = std::min(d, inf);
            start[uk] = s;
        }
        std::swap(dist, prev_dist);
        std::swap(start, prev_start);
    }
    // prev_* now hold row m.
    for (int64_t k = 0; k < width; ++k) {
        const int64_t j = diag + m - band + k;
        const int32_t d = prev_dist[static_cast<size_t>(k)];
        if (j < 0 || j > n || d >= inf) continue;
        if (best.distance < 0 || d < best.distance) {
            best.distance = d;
            best.begin = static_cast<uint64_t>(std::max<int64_t>(prev_start[static_cast<size_t>(k)], 0));
            best.end = static_cast<uint64_t>(j);
        }
    }
    return best;
}

}  // namespace farsight::ingest
