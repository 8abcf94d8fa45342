// layer_norm: y = (x − mean) / sqrt(var + eps) ⊙ w + b per row (PyTorch nn.LayerNorm, biased
// variance; the ViT towers of spec §4.1). x: [M, D] f32; w, b: [D] f32/bf16/f16; y: [M, D] f32
// (may alias x), or bf16 on the GPU (the next matmul's operand).
#pragma once

#include "ops/op_context.h"

namespace farsight {

Status layer_norm(const OpContext& ctx, const TensorView& x, const TensorView& w, const TensorView& b, float eps,
                  const TensorView& y);

namespace cpu {
void layer_norm(const OpContext& ctx, const float* x, int64_t m, int64_t d, const float* w, const float* b, float eps,
                float* y);
}

}  // namespace farsight
