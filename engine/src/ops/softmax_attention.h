// softmax_attention: causal grouped-query attention of T new queries over a KV cache that already
// holds their own keys/values (spec §2.4). Query head h reads kv head h / (H / H_kv).
#pragma once

#include "ops/op_context.h"

namespace farsight {

// q: [T, H, d] f32 (RoPE applied); k_cache, v_cache: [capacity, H_kv, d] f32 with positions
// [0, n_past + T) filled; out: [T, H·d] f32. Query t sits at position n_past + t.
Status softmax_attention(const OpContext& ctx, const TensorView& q, const TensorView& k_cache,
                         const TensorView& v_cache, int64_t n_past, float scale, const TensorView& out);

namespace cpu {
void softmax_attention(const OpContext& ctx, const float* q, int64_t t, int64_t n_head, int64_t n_head_kv, int64_t d,
                       const float* k, const float* v, int64_t n_past, float scale, float* out);
}

}  // namespace farsight
