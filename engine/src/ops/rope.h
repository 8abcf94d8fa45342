// rope_neox: rotary position embedding on the first `rotary_dim` dims of every head, NeoX
// ("rotate_half") pairing (i, i + rotary_dim/2), θ_i = theta^(-2i/rotary_dim), angle = p·θ_i with
// f32 angles as in the reference (spec §2.4). Dims past rotary_dim pass through.
#pragma once

#include "ops/op_context.h"

namespace farsight {

// x: [T, n_head, head_dim] f32, rotated in place; token t has position pos0 + t.
Status rope_neox(const OpContext& ctx, const TensorView& x, int64_t pos0, int64_t rotary_dim, double theta);

namespace cpu {
void rope_neox(const OpContext& ctx, float* x, int64_t t, int64_t n_head, int64_t head_dim, int64_t pos0,
               int64_t rotary_dim, double theta);
}

}  // namespace farsight
