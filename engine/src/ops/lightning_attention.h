// lightning_attention: MiniMax's linear attention with per-head exponential decay (spec §2.3).
// Per head, with fp32 state S [d, d] (row = key dim, column = value dim), "inclusive" convention:
//   S_t = e^{-λ} S_{t-1} + k_tᵀ v_t,   o_t = q_t S_t.
// Prefill computes the same function blockwise (intra-block scores + inter-block state).
#pragma once

#include <span>
#include <vector>

#include "ops/op_context.h"

namespace farsight {

// Slope of head j for n_head heads (ALiBi recipe, f32 like the reference's slope tensor).
std::vector<float> lightning_slopes(int64_t n_head);
// λ_{l,j} = s_j · (1 − l/(L−1) + 1e−5) in f32 (L = number of layers, softmax layers included).
std::vector<float> lightning_decay(int64_t n_head, int64_t layer, int64_t n_layer);

// The activation the op applies to q, k and v as it reads them (MiniMax: SiLU on the fused qkv).
enum class QkvActivation : uint8_t { none, silu };

// qkv: [T, H, 3·d] with q|k|v per head — f32 (any device) or bf16 (GPU); state: [H, d, d] f32,
// read and updated; lambda: [H]; out: [T, H·d] f32 (bf16 also on the GPU). `block` only changes
// the evaluation order.
Status lightning_prefill(const OpContext& ctx, const TensorView& qkv, const TensorView& state,
                         std::span<const float> lambda, const TensorView& out, QkvActivation act = QkvActivation::none,
                         int64_t block = 64);
// The literal recurrence, one token at a time (decode; also the op tests' reference).
Status lightning_decode(const OpContext& ctx, const TensorView& qkv, const TensorView& state,
                        std::span<const float> lambda, const TensorView& out, QkvActivation act = QkvActivation::none);

namespace cpu {
void lightning_prefill(const OpContext& ctx, const float* qkv, int64_t t, int64_t n_head, int64_t d, float* state,
                       const float* lambda, float* out, int64_t block, bool silu);
void lightning_decode(const OpContext& ctx, const float* qkv, int64_t t, int64_t n_head, int64_t d, float* state,
                      const float* lambda, float* out, bool silu);
}  // namespace cpu

}  // namespace farsight
