// Internal entry points of the CUDA lightning kernels (lightning_ref.cu, lightning_chunked.cu).
#pragma once

#include <cuda_bf16.h>

#include <span>

#include "ops/op_context.h"

namespace farsight::cuda {

constexpr int kMaxLightningHeads = 256;

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }

// The literal recurrence in f32 (exact reference on the GPU). qkv f32 or bf16 [T, H, 3d].
Status lightning_recurrence(const OpContext& ctx, const TensorView& qkv, const TensorView& state,
                            std::span<const float> lambda, bool silu, const TensorView& out);
// Tensor-core chunked prefill, d = 128, bf16 q/k/v: parallel over heads and chunks, the running
// state passed from chunk to chunk through a two-slot ring per head (decoupled look-back).
Status lightning_chunked_bf16(const OpContext& ctx, const TensorView& qkv, const TensorView& state,
                              std::span<const float> lambda, bool silu, const TensorView& out);

}  // namespace farsight::cuda
