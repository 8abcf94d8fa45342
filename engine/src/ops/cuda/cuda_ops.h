// The CUDA backend's op entry points: one launcher per op, same contracts as the CPU ops (the op
// files validate, then call these when ctx.device is cuda). Builds without CUDA link cuda_off.cpp,
// which answers `unsupported`; a launcher missing from either is a link error, not a surprise.
#pragma once

#include <span>

#include "ops/op_context.h"

namespace farsight::cuda {

Status matmul(const OpContext& ctx, const TensorView& x, const TensorView& w, const TensorView& y);
Status rms_norm(const OpContext& ctx, const TensorView& x, const TensorView& w, float eps, const TensorView& y);
Status silu_inplace(const OpContext& ctx, const TensorView& x);
Status sigmoid_gate(const OpContext& ctx, const TensorView& o, const TensorView& g);
Status swiglu(const OpContext& ctx, const TensorView& a, const TensorView& b, const TensorView& y);
Status scaled_residual(const OpContext& ctx, const TensorView& h, float alpha, const TensorView& f, float beta,
                       const TensorView& y);
Status rope_neox(const OpContext& ctx, const TensorView& x, int64_t pos0, int64_t rotary_dim, double theta);
Status embedding(const OpContext& ctx, const TensorView& table, std::span<const int32_t> ids, const TensorView& out);
Status moe_routing(const OpContext& ctx, const TensorView& logits, int64_t k, const TensorView& weights,
                   const TensorView& experts);
Status lightning_prefill(const OpContext& ctx, const TensorView& qkv, const TensorView& state, std::span<const float> lambda,
                         const TensorView& out, bool silu);
Status lightning_decode(const OpContext& ctx, const TensorView& qkv, const TensorView& state, std::span<const float> lambda,
                        const TensorView& out, bool silu);
Status softmax_attention(const OpContext& ctx, const TensorView& q, const TensorView& k_cache, const TensorView& v_cache,
                         int64_t n_past, float scale, const TensorView& out);
// Fills a device tensor (f32 or bf16) with mean + stddev·N(0,1)-like values from a counter hash
// (benchmarks and synthetic models at real sizes without host-side generation).
Status fill_random(const OpContext& ctx, const TensorView& t, uint64_t seed, float mean, float stddev);
// Writes rows [pos0, pos0 + T) of a KV cache (f32 or bf16) from f32 rows src [T, H_kv·d].
Status kv_store(const OpContext& ctx, const TensorView& src, const TensorView& cache, int64_t pos0);

}  // namespace farsight::cuda
