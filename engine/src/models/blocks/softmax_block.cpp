// Softmax attention sub-layer: q/k/v projections, partial NeoX RoPE, KV-cache append, causal GQA,
// output projection.
#include <cmath>
#include <cstring>

#include "models/blocks/blocks.h"
#include "models/minimax_text.h"
#include "ops/matmul.h"
#include "ops/rope.h"
#include "ops/softmax_attention.h"

namespace farsight {

Status softmax_block(const OpContext& ctx, Workspace& ws, const SoftmaxLayerWeights& w, const AttentionShape& s,
                     const TensorView& h, int64_t pos0, int64_t capacity, float* k_cache, float* v_cache,
                     const TensorView& a) {
    const int64_t t = h.rows(), d = s.head_dim;
    FS_ASSIGN_OR_RETURN(TensorView q, ws.get(kSlotBlock + 0, DType::f32, {t, s.n_head, d}));
    FS_ASSIGN_OR_RETURN(TensorView o, ws.get(kSlotBlock + 1, DType::f32, {t, s.n_head * d}));
    // New keys and values are projected straight into the cache rows of their positions.
    TensorView k(k_cache + pos0 * s.n_head_kv * d, DType::f32, {t, s.n_head_kv, d});
    TensorView v(v_cache + pos0 * s.n_head_kv * d, DType::f32, {t, s.n_head_kv, d});
    FS_RETURN_IF_ERROR(matmul(ctx, h, w.q, q.reshaped({t, s.n_head * d})));
    FS_RETURN_IF_ERROR(matmul(ctx, h, w.k, k.reshaped({t, s.n_head_kv * d})));
    FS_RETURN_IF_ERROR(matmul(ctx, h, w.v, v.reshaped({t, s.n_head_kv * d})));
    FS_RETURN_IF_ERROR(rope_neox(ctx, q, pos0, s.rotary_dim, s.rope_theta));
    FS_RETURN_IF_ERROR(rope_neox(ctx, k, pos0, s.rotary_dim, s.rope_theta));
    TensorView kc(k_cache, DType::f32, {capacity, s.n_head_kv, d}), vc(v_cache, DType::f32, {capacity, s.n_head_kv, d});
    FS_RETURN_IF_ERROR(softmax_attention(ctx, q, kc, vc, pos0, static_cast<float>(1.0 / std::sqrt(double(d))), o));
    return matmul(ctx, o, w.o, a);
}

}  // namespace farsight
