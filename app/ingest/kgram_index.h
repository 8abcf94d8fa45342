// Internal: a sampled k-gram index over folded text (text_normalize.h): the hash of the k bytes at
// every step-th offset, bucketed (CSR arrays, built in two O(n) passes). Lookups return candidate
// offsets that callers verify; used to anchor exact and fuzzy quote matches (citation_index.cpp).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"
#include "farsight/engine/types.h"   // CancelToken

namespace farsight::ingest {

class KgramIndex {
public:
    static constexpr uint32_t k_gram = 12;   // bytes per gram
    static constexpr uint32_t k_step = 4;    // every k_step-th offset is indexed

    static Result<KgramIndex> build(std::string_view text, const CancelToken* stop = nullptr);

    // Indexed offsets whose gram shares the bucket of the k_gram bytes at `gram` (verify them).
    std::span<const uint32_t> candidates(const char* gram) const;
    uint64_t memory_bytes() const noexcept;

private:
    uint32_t bucket_of(const char* gram) const;
    uint32_t m_bits = 0;
    std::vector<uint32_t> m_starts;      // [n_buckets + 1] offsets into m_positions
    std::vector<uint32_t> m_positions;   // text offsets, grouped by bucket, ascending within one
};

}  // namespace farsight::ingest
