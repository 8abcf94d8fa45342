// Building blocks shared by the text architectures. Each computes one sub-layer's output `a`
// [T, n_embd] from its normalised input `h` [T, n_embd], using workspace slots from kSlotBlock on.
#pragma once

#include <span>
#include <vector>

#include "core/workspace.h"
#include "ops/moe_experts.h"
#include "ops/op_context.h"

namespace farsight {

// Workspace slots: the model keeps its residual stream in slots below kSlotBlock.
enum WorkspaceSlot : size_t {
    kSlotX = 0, kSlotH, kSlotA, kSlotLogitsIn,
    kSlotBlock,  // first slot free for blocks
    kSlotBlockEnd = kSlotBlock + 12,
};

struct LightningLayerWeights;
struct SoftmaxLayerWeights;

// MiniMax lightning attention sub-layer (spec §2.3). `state`: [H, d, d] f32, updated.
Status lightning_block(const OpContext& ctx, Workspace& ws, const LightningLayerWeights& w, int64_t n_head,
                       int64_t head_dim, float norm_eps, const TensorView& h, float* state, const TensorView& a);

struct AttentionShape {
    int64_t n_head, n_head_kv, head_dim, rotary_dim;
    double rope_theta;
};
// Causal GQA softmax attention sub-layer with partial NeoX RoPE (spec §2.4). k_cache/v_cache:
// [capacity, H_kv, d] f32 or bf16; the chunk's keys/values are written at positions pos0 ….
Status softmax_block(const OpContext& ctx, Workspace& ws, const SoftmaxLayerWeights& w, const AttentionShape& shape,
                     const TensorView& h, int64_t pos0, const TensorView& k_cache, const TensorView& v_cache,
                     const TensorView& a);

// Top-k mixture of SwiGLU experts (spec §2.5): softmax(router) in f32, top-k, renormalise.
Status moe_block(const OpContext& ctx, Workspace& ws, const TensorView& router, const ExpertTable& experts,
                 int64_t n_used, const TensorView& h, const TensorView& out);
// Host-only convenience for architectures that keep a plain vector of experts.
Status moe_block(const OpContext& ctx, Workspace& ws, const TensorView& router, std::span<const ExpertView> experts,
                 int64_t n_used, const TensorView& h, const TensorView& out);

}  // namespace farsight
