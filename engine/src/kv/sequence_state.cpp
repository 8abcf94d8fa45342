// SequenceState allocation and KV growth.
#include "kv/sequence_state.h"

#include <algorithm>
#include <cstring>

namespace farsight {

uint64_t StateLayout::recurrent_bytes() const {
    uint64_t n = 0;
    for (const auto& l : layers) n += static_cast<uint64_t>(l.recurrent_floats) * 4;
    return n;
}

uint64_t StateLayout::kv_bytes_per_token() const {
    uint64_t n = 0;
    for (const auto& l : layers) n += static_cast<uint64_t>(2 * l.kv_heads * l.head_dim) * 4;
    return n;
}

Result<SequenceState> SequenceState::create(const StateLayout& layout, int64_t n_ctx) {
    if (n_ctx < 1) return Status(ErrorCode::invalid_argument, "context length must be at least 1 token");
    SequenceState s;
    s.m_layout = layout;
    s.m_n_ctx = n_ctx;
    s.m_layers.resize(layout.layers.size());
    for (size_t i = 0; i < layout.layers.size(); ++i) {
        if (layout.layers[i].recurrent_floats > 0) {
            FS_ASSIGN_OR_RETURN(s.m_layers[i].recurrent,
                                HostBuffer::allocate(static_cast<uint64_t>(layout.layers[i].recurrent_floats) * 4));
        }
    }
    return s;
}

Status SequenceState::reserve(int64_t n_total) {
    if (n_total > m_n_ctx)
        return Status(ErrorCode::limit_exceeded, "the sequence needs " + std::to_string(n_total) +
                                                     " tokens but the context holds " + std::to_string(m_n_ctx));
    if (n_total <= m_kv_capacity) return {};
    const int64_t cap = std::min(m_n_ctx, std::max<int64_t>({n_total, 2 * m_kv_capacity, 256}));
    for (size_t i = 0; i < m_layers.size(); ++i) {
        const auto& spec = m_layout.layers[i];
        if (spec.kv_heads == 0) continue;
        const uint64_t row = static_cast<uint64_t>(spec.kv_heads * spec.head_dim) * 4;
        FS_ASSIGN_OR_RETURN(HostBuffer k, HostBuffer::allocate(row * static_cast<uint64_t>(cap), false));
        FS_ASSIGN_OR_RETURN(HostBuffer v, HostBuffer::allocate(row * static_cast<uint64_t>(cap), false));
        const uint64_t used = row * static_cast<uint64_t>(n_past());
        if (used) {
            std::memcpy(k.data(), m_layers[i].k.data(), used);
            std::memcpy(v.data(), m_layers[i].v.data(), used);
        }
        m_layers[i].k = std::move(k);
        m_layers[i].v = std::move(v);
    }
    m_kv_capacity = cap;
    return {};
}

void SequenceState::reset() {
    m_tokens.clear();
    for (auto& l : m_layers)
        if (l.recurrent.size()) std::memset(l.recurrent.data(), 0, l.recurrent.size());
}

uint64_t SequenceState::bytes() const {
    uint64_t n = 0;
    for (const auto& l : m_layers) n += l.recurrent.size() + l.k.size() + l.v.size();
    return n;
}

}  // namespace farsight
