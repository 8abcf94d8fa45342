// Synthetic MiniMax models: real shapes, random bf16 weights in memory (benchmarks only). Norm
// weights are 1 + noise so activations stay in range through many layers.
#include <random>

#include "models/minimax_text.h"
#include "ops/lightning_attention.h"

namespace farsight {
namespace {

// Fills bf16 values from a fast xorshift generator: sum of 4 uniforms ≈ N(0, 1) scaled.
void fill_bf16(uint16_t* dst, int64_t n, uint64_t seed, float stddev, float mean) {
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    const float scale = stddev * 1.7320508f / 2.0f;  // uniform(-1,1) sum of 4: var 4/3
    for (int64_t i = 0; i < n; ++i) {
        float s = 0;
        for (int k = 0; k < 4; ++k) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s += static_cast<float>(static_cast<int32_t>(x >> 32)) * (1.0f / 2147483648.0f);
        }
        dst[i] = f32_to_bf16(mean + s * scale);
    }
}

}  // namespace

Result<std::unique_ptr<MiniMaxText>> MiniMaxText::create_synthetic(const ModelConfig& c, uint64_t seed, float stddev) {
    std::unique_ptr<MiniMaxText> m(new MiniMaxText(c, nullptr));
    uint64_t next = seed;
    auto make = [&](std::initializer_list<int64_t> shape, float mean = 0.0f) -> Result<TensorView> {
        TensorView v(nullptr, DType::bf16, shape);
        FS_ASSIGN_OR_RETURN(HostBuffer b, HostBuffer::allocate(v.nbytes(), false));
        fill_bf16(b.as<uint16_t>(), v.numel(), ++next, mean == 0.0f ? stddev : 0.1f, mean);
        v.data = b.data();
        m->m_owned.push_back(std::move(b));
        return v;
    };
    const int64_t e = c.n_embd, hd = c.n_head * c.head_dim, kvd = c.n_head_kv * c.head_dim;
    FS_ASSIGN_OR_RETURN(m->m_w.embed, make({c.n_vocab, e}));
    FS_ASSIGN_OR_RETURN(m->m_w.norm, make({e}, 1.0f));
    FS_ASSIGN_OR_RETURN(m->m_w.lm_head, make({c.n_vocab, e}));
    m->m_w.layers.resize(static_cast<size_t>(c.n_layer));
    for (int64_t l = 0; l < c.n_layer; ++l) {
        MiniMaxLayerWeights& lw = m->m_w.layers[static_cast<size_t>(l)];
        lw.kind = c.layer_kinds[static_cast<size_t>(l)];
        FS_ASSIGN_OR_RETURN(lw.input_norm, make({e}, 1.0f));
        FS_ASSIGN_OR_RETURN(lw.post_norm, make({e}, 1.0f));
        if (lw.kind == LayerKind::lightning) {
            FS_ASSIGN_OR_RETURN(lw.lightning.qkv, make({3 * hd, e}));
            FS_ASSIGN_OR_RETURN(lw.lightning.gate, make({hd, e}));
            FS_ASSIGN_OR_RETURN(lw.lightning.norm, make({hd}, 1.0f));
            FS_ASSIGN_OR_RETURN(lw.lightning.out, make({e, hd}));
            lw.lightning.lambda = lightning_decay(c.n_head, l, c.n_layer);
        } else {
            FS_ASSIGN_OR_RETURN(lw.softmax.q, make({hd, e}));
            FS_ASSIGN_OR_RETURN(lw.softmax.k, make({kvd, e}));
            FS_ASSIGN_OR_RETURN(lw.softmax.v, make({kvd, e}));
            FS_ASSIGN_OR_RETURN(lw.softmax.o, make({e, hd}));
        }
        FS_ASSIGN_OR_RETURN(lw.router, make({c.n_expert, e}));
        lw.experts.experts.resize(static_cast<size_t>(c.n_expert));
        for (auto& ex : lw.experts.experts) {
            FS_ASSIGN_OR_RETURN(ex.w1, make({c.n_ff, e}));
            FS_ASSIGN_OR_RETURN(ex.w3, make({c.n_ff, e}));
            FS_ASSIGN_OR_RETURN(ex.w2, make({e, c.n_ff}));
        }
    }
    return m;
}

uint64_t MiniMaxText::weight_bytes() const {
    if (m_store) return m_store->total_bytes();
    uint64_t n = 0;
    for (const auto& b : m_owned) n += b.size();
    for (const auto& b : m_device_owned) n += b.size();
    return n;
}

}  // namespace farsight
