// Softmax attention sub-layer: q/k/v projections, partial NeoX RoPE, KV-cache append, causal GQA,
// output projection.
#include <cmath>

#include "models/blocks/blocks.h"
#include "models/minimax_text.h"
#include "ops/kv_store.h"
#include "ops/matmul.h"
#include "ops/rope.h"
#include "ops/softmax_attention.h"

namespace farsight {

Status softmax_block(const OpContext& ctx, Workspace& ws, const SoftmaxLayerWeights& w, const AttentionShape& s,
                     const TensorView& h, int64_t pos0, const TensorView& k_cache, const TensorView& v_cache,
                     const TensorView& a) {
    const int64_t t = h.rows(), d = s.head_dim;
    FS_ASSIGN_OR_RETURN(TensorView q, ws.get(kSlotBlock + 0, DType::f32, {t, s.n_head, d}));
    FS_ASSIGN_OR_RETURN(TensorView o, ws.get(kSlotBlock + 1, DType::f32, {t, s.n_head * d}));
    FS_ASSIGN_OR_RETURN(TensorView k, ws.get(kSlotBlock + 2, DType::f32, {t, s.n_head_kv, d}));
    FS_ASSIGN_OR_RETURN(TensorView v, ws.get(kSlotBlock + 3, DType::f32, {t, s.n_head_kv, d}));
    FS_RETURN_IF_ERROR(matmul(ctx, h, w.q, q.reshaped({t, s.n_head * d})));
    FS_RETURN_IF_ERROR(matmul(ctx, h, w.k, k.reshaped({t, s.n_head_kv * d})));
    FS_RETURN_IF_ERROR(matmul(ctx, h, w.v, v.reshaped({t, s.n_head_kv * d})));
    FS_RETURN_IF_ERROR(rope_neox(ctx, q, pos0, s.rotary_dim, s.rope_theta));
    FS_RETURN_IF_ERROR(rope_neox(ctx, k, pos0, s.rotary_dim, s.rope_theta));
    // The cache keeps post-RoPE keys and values (spec §2.4), in its own dtype.
    FS_RETURN_IF_ERROR(kv_store(ctx, k.reshaped({t, s.n_head_kv * d}), k_cache, pos0));
    FS_RETURN_IF_ERROR(kv_store(ctx, v.reshaped({t, s.n_head_kv * d}), v_cache, pos0));
    FS_RETURN_IF_ERROR(softmax_attention(ctx, q, k_cache, v_cache, pos0, static_cast<float>(1.0 / std::sqrt(double(d))), o));
    return matmul(ctx, o, w.o, a);
}

}  // namespace farsight
