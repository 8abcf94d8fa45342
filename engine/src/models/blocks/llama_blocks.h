// Blocks of the llama family (Llama 2/3, Mistral, SmolLM2, Qwen2, Mixtral): softmax attention with
// optional q/k/v biases and a chosen RoPE pairing/frequency table, and the dense SwiGLU MLP. Like
// blocks.h, each maps a normalised input h [T, n_embd] to a sub-layer output a [T, n_embd] using
// workspace slots from kSlotBlock on. References: transformers' modeling_llama / modeling_qwen2.
#pragma once

#include <span>

#include "models/blocks/blocks.h"
#include "ops/rope.h"

namespace farsight {

struct AttentionWeights {
    TensorView q, k, v;              // [H·d, n_embd], [H_kv·d, n_embd], [H_kv·d, n_embd] (any matmul dtype)
    TensorView o;                    // [n_embd, H·d]
    TensorView q_bias, k_bias, v_bias;  // [H·d], [H_kv·d], [H_kv·d] f32/bf16/f16, or empty (Qwen2 has them)
};

struct AttentionParams {
    int64_t n_head, n_head_kv, head_dim;
    std::span<const float> inv_freq;  // [rotary_dim / 2]
    RopePairing pairing;
};

// Causal GQA attention over the f32 KV cache [capacity, H_kv, d]; the chunk's keys/values are
// written at positions pos0 ….
Status attention_block(const OpContext& ctx, Workspace& ws, const AttentionWeights& w, const AttentionParams& p,
                       const TensorView& h, int64_t pos0, int64_t capacity, float* k_cache, float* v_cache,
                       const TensorView& a);

struct DenseMlpWeights {
    TensorView gate, up;  // [n_ff, n_embd]
    TensorView down;      // [n_embd, n_ff]
};

// down(silu(gate·h) ⊙ up·h).
Status dense_mlp_block(const OpContext& ctx, Workspace& ws, const DenseMlpWeights& w, const TensorView& h,
                       const TensorView& a);

}  // namespace farsight
