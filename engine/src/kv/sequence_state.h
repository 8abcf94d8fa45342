// SequenceState: everything a model remembers about one sequence — per-layer recurrent state
// (lightning: [H, d, d] f32), per-layer softmax KV cache ([capacity, H_kv, d] f32 or bf16, grown
// geometrically up to n_ctx) and the token history. Buffers live on the model's device.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/buffer.h"

namespace farsight {

// What one layer keeps; the model describes this once, the state allocates it.
struct LayerStateSpec {
    int64_t recurrent_floats = 0;  // lightning: H·d·d
    int64_t kv_heads = 0;          // softmax: H_kv (0: no KV cache)
    int64_t head_dim = 0;
};

struct StateLayout {
    std::vector<LayerStateSpec> layers;
    uint64_t recurrent_bytes() const;
    uint64_t kv_bytes_per_token(DType kv_dtype = DType::f32) const;
};

struct LayerState {
    Buffer recurrent;  // f32 [recurrent_floats]
    Buffer k, v;       // kv_dtype [kv_capacity, kv_heads, head_dim]
};

class SequenceState {
public:
    static Result<SequenceState> create(const StateLayout& layout, int64_t n_ctx, Device device = Device::cpu,
                                        DType kv_dtype = DType::f32);

    const StateLayout& layout() const { return m_layout; }
    Device device() const { return m_device; }
    DType kv_dtype() const { return m_kv_dtype; }
    int64_t n_ctx() const { return m_n_ctx; }
    int64_t n_past() const { return static_cast<int64_t>(m_tokens.size()); }
    const std::vector<int32_t>& tokens() const { return m_tokens; }
    int64_t kv_capacity() const { return m_kv_capacity; }

    // Makes room for `n_total` tokens in every KV cache (copying what is there); refuses past n_ctx.
    Status reserve(int64_t n_total);
    // Records tokens whose effect the model has just added to the state.
    void append_tokens(const int32_t* ids, int64_t n) { m_tokens.insert(m_tokens.end(), ids, ids + n); }
    void reset();  // back to the empty sequence (buffers kept)
    Result<SequenceState> clone() const;  // a deep copy on the same device

    LayerState& layer(size_t i) { return m_layers[i]; }
    const LayerState& layer(size_t i) const { return m_layers[i]; }
    float* recurrent(size_t i) { return m_layers[i].recurrent.as<float>(); }
    float* k_cache(size_t i) { return m_layers[i].k.as<float>(); }
    float* v_cache(size_t i) { return m_layers[i].v.as<float>(); }
    void* k_data(size_t i) { return m_layers[i].k.data(); }
    void* v_data(size_t i) { return m_layers[i].v.data(); }

    uint64_t bytes() const;
    uint64_t kv_row_bytes(size_t layer) const {  // bytes of one token's K (or V) in `layer`
        return static_cast<uint64_t>(m_layout.layers[layer].kv_heads * m_layout.layers[layer].head_dim) *
               dtype_info(m_kv_dtype).block_bytes;
    }

    // Snapshot support: raw access used by kv/snapshot.cpp.
    std::vector<int32_t>& mutable_tokens() { return m_tokens; }

private:
    StateLayout m_layout;
    std::vector<LayerState> m_layers;
    std::vector<int32_t> m_tokens;
    int64_t m_n_ctx = 0;
    int64_t m_kv_capacity = 0;
    Device m_device = Device::cpu;
    DType m_kv_dtype = DType::f32;
};

}  // namespace farsight
