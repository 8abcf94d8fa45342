// Llama-family attention sub-layer: q/k/v projections (+ biases), RoPE (pairing and frequencies from
// the model), KV-cache append, causal GQA softmax attention, output projection.
#include <cmath>
#include <vector>

#include "models/blocks/llama_blocks.h"
#include "ops/matmul.h"
#include "ops/softmax_attention.h"

namespace farsight {
namespace {

// rows[t, :] += bias (bias decoded to f32 once per call).
void add_bias(const TensorView& bias, float* rows, int64_t t, int64_t n) {
    if (bias.empty()) return;
    thread_local std::vector<float> b;
    b.resize(static_cast<size_t>(n));
    convert_to_f32(bias.dtype, bias.data, b.data(), n);
    for (int64_t r = 0; r < t; ++r)
        for (int64_t j = 0; j < n; ++j) rows[r * n + j] += b[static_cast<size_t>(j)];
}

}  // namespace

Status attention_block(const OpContext& ctx, Workspace& ws, const AttentionWeights& w, const AttentionParams& p,
                       const TensorView& h, int64_t pos0, int64_t capacity, float* k_cache, float* v_cache,
                       const TensorView& a) {
    const int64_t t = h.rows(), d = p.head_dim, qd = p.n_head * d, kvd = p.n_head_kv * d;
    FS_ASSIGN_OR_RETURN(TensorView q, ws.get(kSlotBlock + 0, DType::f32, {t, p.n_head, d}));
    FS_ASSIGN_OR_RETURN(TensorView o, ws.get(kSlotBlock + 1, DType::f32, {t, qd}));
    TensorView k(k_cache + pos0 * kvd, DType::f32, {t, p.n_head_kv, d});
    TensorView v(v_cache + pos0 * kvd, DType::f32, {t, p.n_head_kv, d});
    FS_RETURN_IF_ERROR(matmul(ctx, h, w.q, q.reshaped({t, qd})));
    FS_RETURN_IF_ERROR(matmul(ctx, h, w.k, k.reshaped({t, kvd})));
    FS_RETURN_IF_ERROR(matmul(ctx, h, w.v, v.reshaped({t, kvd})));
    add_bias(w.q_bias, q.f32(), t, qd);
    add_bias(w.k_bias, k.f32(), t, kvd);
    add_bias(w.v_bias, v.f32(), t, kvd);
    FS_RETURN_IF_ERROR(rope(ctx, q, pos0, p.inv_freq, p.pairing));
    FS_RETURN_IF_ERROR(rope(ctx, k, pos0, p.inv_freq, p.pairing));
    TensorView kc(k_cache, DType::f32, {capacity, p.n_head_kv, d}), vc(v_cache, DType::f32, {capacity, p.n_head_kv, d});
    FS_RETURN_IF_ERROR(softmax_attention(ctx, q, kc, vc, pos0, static_cast<float>(1.0 / std::sqrt(double(d))), o));
    return matmul(ctx, o, w.o, a);
}

}  // namespace farsight
