// attention_full: bidirectional (non-causal) multi-head attention of a ViT block (spec §4.1: 16
// heads × 64, scale 1/8, no mask). Packed input, as one fused q|k|v projection writes it:
// qkv: [B, T, 3·H·d] with row = q heads | k heads | v heads; out: [B, T, H·d]. CPU: f32; GPU: f32
// or bf16 (flash-attention style kernel, exact softmax with f32 statistics).
#pragma once

#include "ops/op_context.h"

namespace farsight {

Status attention_full(const OpContext& ctx, const TensorView& qkv, int64_t n_head, float scale, const TensorView& out);

namespace cpu {
void attention_full(const OpContext& ctx, const float* qkv, int64_t batch, int64_t t, int64_t n_head, int64_t d,
                    float scale, float* out);
}

}  // namespace farsight
