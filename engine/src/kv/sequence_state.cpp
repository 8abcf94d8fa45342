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

uint64_t StateLayout::kv_bytes_per_token(DType kv_dtype) const {
    uint64_t n = 0;
    for (const auto& l : layers) n += static_cast<uint64_t>(2 * l.kv_heads * l.head_dim) * dtype_info(kv_dtype).block_bytes;
    return n;
}

Result<SequenceState> SequenceState::create(const StateLayout& layout, int64_t n_ctx, Device device, DType kv_dtype) {
    if (n_ctx < 1) return Status(ErrorCode::invalid_argument, "context length must be at least 1 token");
    if (kv_dtype != DType::f32 && kv_dtype != DType::bf16)
        return Status(ErrorCode::unsupported, "KV cache dtype must be f32 or bf16");
    SequenceState s;
    s.m_device = device;
    s.m_kv_dtype = kv_dtype;
    s.m_layout = layout;
    s.m_n_ctx = n_ctx;
    s.m_layers.resize(layout.layers.size());
    for (size_t i = 0; i < layout.layers.size(); ++i) {
        if (layout.layers[i].recurrent_floats > 0) {
            FS_ASSIGN_OR_RETURN(s.m_layers[i].recurrent,
                                Buffer::allocate_on(device, static_cast<uint64_t>(layout.layers[i].recurrent_floats) * 4));
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
        const uint64_t row = static_cast<uint64_t>(spec.kv_heads * spec.head_dim) * dtype_info(m_kv_dtype).block_bytes;
        FS_ASSIGN_OR_RETURN(Buffer k, Buffer::allocate_on(m_device, row * static_cast<uint64_t>(cap), false));
        FS_ASSIGN_OR_RETURN(Buffer v, Buffer::allocate_on(m_device, row * static_cast<uint64_t>(cap), false));
        const uint64_t used = row * static_cast<uint64_t>(n_past());
        FS_RETURN_IF_ERROR(copy_bytes(k.data(), m_device, m_layers[i].k.data(), m_device, used));
        FS_RETURN_IF_ERROR(copy_bytes(v.data(), m_device, m_layers[i].v.data(), m_device, used));
        m_layers[i].k = std::move(k);
        m_layers[i].v = std::move(v);
    }
    m_kv_capacity = cap;
    return {};
}

void SequenceState::reset() {
    m_tokens.clear();
    for (auto& l : m_layers) {
        if (!l.recurrent.size()) continue;
        if (m_device == Device::cpu) std::memset(l.recurrent.data(), 0, l.recurrent.size());
        else device_hooks().memset_zero(l.recurrent.data(), l.recurrent.size());
    }
}

Result<SequenceState> SequenceState::clone() const {
    FS_ASSIGN_OR_RETURN(SequenceState c, SequenceState::create(m_layout, m_n_ctx, m_device, m_kv_dtype));
    FS_RETURN_IF_ERROR(c.reserve(n_past()));
    c.m_tokens = m_tokens;
    for (size_t i = 0; i < m_layers.size(); ++i) {
        FS_RETURN_IF_ERROR(copy_bytes(c.m_layers[i].recurrent.data(), m_device, m_layers[i].recurrent.data(), m_device,
                                      m_layers[i].recurrent.size()));
        const uint64_t kv = kv_row_bytes(i) * static_cast<uint64_t>(n_past());
        FS_RETURN_IF_ERROR(copy_bytes(c.m_layers[i].k.data(), m_device, m_layers[i].k.data(), m_device, kv));
        FS_RETURN_IF_ERROR(copy_bytes(c.m_layers[i].v.data(), m_device, m_layers[i].v.data(), m_device, kv));
    }
    return c;
}

uint64_t SequenceState::bytes() const {
    uint64_t n = 0;
    for (const auto& l : m_layers) n += l.recurrent.size() + l.k.size() + l.v.size();
    return n;
}

}  // namespace farsight
