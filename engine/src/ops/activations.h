// Element-wise ops of the MiniMax blocks (f32, in place or into y):
//   silu(x) = x·sigmoid(x); gate: o *= sigmoid(g); swiglu: y = silu(a) ⊙ b; residual: x = α·h + β·f.
#pragma once

#include "ops/op_context.h"

namespace farsight {

Status silu_inplace(const OpContext& ctx, const TensorView& x);
Status sigmoid_gate(const OpContext& ctx, const TensorView& o, const TensorView& g);  // o *= sigmoid(g)
Status swiglu(const OpContext& ctx, const TensorView& a, const TensorView& b, const TensorView& y);
Status scaled_residual(const OpContext& ctx, const TensorView& h, float alpha, const TensorView& f, float beta,
                       const TensorView& y);  // y = alpha*h + beta*f (y may alias h or f)

namespace cpu {
void silu_inplace(const OpContext& ctx, float* x, int64_t n);
void sigmoid_gate(const OpContext& ctx, float* o, const float* g, int64_t n);
void swiglu(const OpContext& ctx, const float* a, const float* b, float* y, int64_t n);
void scaled_residual(const OpContext& ctx, const float* h, float alpha, const float* f, float beta, float* y, int64_t n);
}  // namespace cpu

}  // namespace farsight
