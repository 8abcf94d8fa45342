// moe_routing: router probabilities p = softmax(logits) in f32, top-k experts, weights
// renormalised to sum 1 (spec §2.5). Ties pick the lower expert index.
#pragma once

#include "ops/op_context.h"

namespace farsight {

// logits: [T, E] f32 -> weights: [T, k] f32, experts: [T, k] i32 (ordered by descending weight).
Status moe_routing(const OpContext& ctx, const TensorView& logits, int64_t k, const TensorView& weights,
                   const TensorView& experts);

}  // namespace farsight
