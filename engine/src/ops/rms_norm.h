// rms_norm: y = w ⊙ (x / sqrt(mean(x²) + eps)) per row (spec §2.2; the reference normalises in
// f32 and then multiplies by the weight). x, y: [M, D] f32 (may alias); w: [D] f32/bf16/f16.
#pragma once

#include "ops/op_context.h"

namespace farsight {

Status rms_norm(const OpContext& ctx, const TensorView& x, const TensorView& w, float eps, const TensorView& y);

namespace cpu {
void rms_norm(const OpContext& ctx, const float* x, int64_t m, int64_t d, const float* w, float eps, float* y);
}

}  // namespace farsight
