// linear: y = act(x · wᵀ + b) [+ r] — nn.Linear with its bias, an optional activation and an
// optional residual added after it (the ViT blocks and the VL projector, spec §4.1–4.2).
// x: [M, K]; w: [N, K] (matmul dtypes); b: [N] f32/bf16/f16 or empty; r: [M, N] f32 or empty and
// must not alias y; y: [M, N]. CPU: x, y f32. GPU: x f32 or bf16, y f32 or bf16 (bf16 operands with
// f32 accumulation in Precision::bf16; bias, activation and residual fused into the GEMM epilogue).
#pragma once

#include "ops/op_context.h"

namespace farsight {

enum class Activation : uint8_t {
    none,
    gelu_erf,    // 0.5·x·(1 + erf(x/√2)) — "gelu" in transformers (CLIP of MiniMax-VL-01, projectors)
    gelu_tanh,   // "gelu_pytorch_tanh" (SigLIP)
    quick_gelu,  // x·sigmoid(1.702·x) (OpenAI CLIP, LLaVA's tower)
};

Status linear(const OpContext& ctx, const TensorView& x, const TensorView& w, const TensorView& b, Activation act,
              const TensorView& r, const TensorView& y);

// The scalar activation (the CPU reference; the GPU kernels use the same formulas).
float activate(Activation act, float v);

namespace cpu {
// In place on y [m, n]: y = act(y + b) + r (b, r may be null).
void bias_act_residual(const OpContext& ctx, float* y, int64_t m, int64_t n, const float* b, Activation act,
                       const float* r);
}

}  // namespace farsight
