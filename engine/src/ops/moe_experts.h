// moe_experts: out[t] = Σ_j w[t, j] · W2_e (SiLU(W1_e h_t) ⊙ W3_e h_t), e = ids[t, j] (spec §2.5),
// summed over the routed experts of each token in ascending expert order like the reference.
#pragma once

#include <memory>
#include <vector>

#include "core/buffer.h"
#include "core/workspace.h"
#include "ops/op_context.h"

namespace farsight {

struct ExpertView {
    TensorView w1, w3;  // [n_ff, n_embd] gate, up
    TensorView w2;      // [n_embd, n_ff] down
};

// The experts of one MoE layer. On a GPU the pointer tables live in device memory too
// (`device_tables`: [3, n_expert] pointers w1 | w3 | w2), built once at load.
struct ExpertTable {
    std::vector<ExpertView> experts;
    std::shared_ptr<Buffer> device_tables;  // shared so weight structs stay copyable
    int64_t n_ff() const { return experts.empty() ? 0 : experts[0].w1.dim(0); }
    int64_t n_embd() const { return experts.empty() ? 0 : experts[0].w1.dim(1); }
};

// h: [T, n_embd] f32; weights: [T, k] f32; ids: [T, k] i32 (on the op's device); out: [T, n_embd] f32.
Status moe_experts(const OpContext& ctx, Workspace& ws, const ExpertTable& table, const TensorView& weights,
                   const TensorView& ids, const TensorView& h, const TensorView& out);
// Fills table.device_tables from the views (they must already point at device memory).
Status build_device_tables(ExpertTable& table);

namespace cpu {
Status moe_experts(const OpContext& ctx, Workspace& ws, const ExpertTable& table, const TensorView& weights,
                   const TensorView& ids, const TensorView& h, const TensorView& out);
}
namespace cuda {
Status moe_experts(const OpContext& ctx, Workspace& ws, const ExpertTable& table, const TensorView& weights,
                   const TensorView& ids, const TensorView& h, const TensorView& out);
}

}  // namespace farsight
