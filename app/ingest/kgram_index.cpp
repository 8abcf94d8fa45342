// Sampled k-gram index (see kgram_index.h). The hash mixes two unaligned loads with the
// splitmix64 finaliser; about one bucket per two samples.
#include "ingest/kgram_index.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace farsight::ingest {

namespace {

inline uint64_t gram_hash(const char* p) {
    uint64_t a;
    uint32_t b;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 4);
    uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (static_cast<uint64_t>(b) * 0xC2B2AE3D27D4EB4Full);
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 29;
    return h;
}

static_assert(KgramIndex::k_gram == 12, "gram_hash reads exactly 12 bytes");

}  // namespace

uint32_t KgramIndex::bucket_of(const char* gram) const {
    return static_cast<uint32_t>(gram_hash(gram) >> (64 - m_bits));
}

Result<KgramIndex> KgramIndex::build(std::string_view text, const CancelToken* stop) {
    KgramIndex idx;
    const uint64_t n_samples = text.size() >= k_gram ? (text.size() - k_gram) / k_step + 1 : 0;
    idx.m_bits = std::clamp<uint32_t>(static_cast<uint32_t>(std::bit_width(n_samples)) - 1, 8, 28);
    const size_t n_buckets = size_t{1} << idx.m_bits;
    idx.m_starts.assign(n_buckets + 1, 0);
    idx.m_positions.resize(n_samples);
    // Counting pass, then a fill pass that hashes again: cheaper than keeping n_samples buckets.
    for (uint64_t s = 0; s < n_samples; ++s) {
        if ((s & ((1u << 22) - 1)) == 0 && stop && stop->cancelled())
            return make_error(ErrorCode::cancelled, "citation index cancelled");
        ++idx.m_starts[idx.bucket_of(text.data() + s * k_step) + 1];
    }
    for (size_t b = 0; b < n_buckets; ++b) idx.m_starts[b + 1] += idx.m_starts[b];
    std::vector<uint32_t> fill(idx.m_starts.begin(), idx.m_starts.end() - 1);
    for (uint64_t s = 0; s < n_samples; ++s)
        idx.m_positions[fill[idx.bucket_of(text.data() + s * k_step)]++] = static_cast<uint32_t>(s * k_step);
    return idx;
}

std::span<const uint32_t> KgramIndex::candidates(const char* gram) const {
    if (m_positions.empty()) return {};
    const uint32_t b = bucket_of(gram);
    return {m_positions.data() + m_starts[b], m_starts[b + 1] - m_starts[b]};
}

uint64_t KgramIndex::memory_bytes() const noexcept {
    return (m_starts.capacity() + m_positions.capacity()) * sizeof(uint32_t);
}

}  // namespace farsight::ingest
