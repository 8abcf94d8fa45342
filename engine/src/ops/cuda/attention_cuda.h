// Internal entry points of the CUDA attention kernels (attention.cu, attention_flash.cu).
#pragma once

#include "ops/op_context.h"

namespace farsight::cuda {

// True when the m16n16k16 f32 accumulator register layout is the one the tensor-core kernels
// (flash attention, chunked lightning) address directly (a probe kernel checks it once).
bool accumulator_layout_verified(const OpContext& ctx);
// Causal GQA prefill over a bf16 KV cache, head_dim 128 (see attention_flash.cu).
Status flash_attention(const OpContext& ctx, const TensorView& q, const TensorView& k_cache, const TensorView& v_cache,
                       int64_t n_past, float scale, const TensorView& out);

}  // namespace farsight::cuda
