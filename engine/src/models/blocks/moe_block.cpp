// Mixture of SwiGLU experts: router (f32) → softmax/top-k/renormalise → the routed experts.
#include "models/blocks/blocks.h"
#include "ops/matmul.h"
#include "ops/moe_routing.h"

namespace farsight {

Status moe_block(const OpContext& ctx, Workspace& ws, const TensorView& router, const ExpertTable& experts, int64_t n_used,
                 const TensorView& h, const TensorView& out) {
    const int64_t t = h.rows(), n_expert = static_cast<int64_t>(experts.experts.size());
    FS_ASSIGN_OR_RETURN(TensorView logits, ws.get(kSlotBlock + 0, DType::f32, {t, n_expert}));
    FS_ASSIGN_OR_RETURN(TensorView weights, ws.get(kSlotBlock + 1, DType::f32, {t, n_used}));
    FS_ASSIGN_OR_RETURN(TensorView ids, ws.get(kSlotBlock + 2, DType::i32, {t, n_used}));
    FS_RETURN_IF_ERROR(matmul(ctx, h, router, logits));
    FS_RETURN_IF_ERROR(moe_routing(ctx, logits, n_used, weights, ids));
    return moe_experts(ctx, ws, experts, weights, ids, h, out);
}

Status moe_block(const OpContext& ctx, Workspace& ws, const TensorView& router, std::span<const ExpertView> experts,
                 int64_t n_used, const TensorView& h, const TensorView& out) {
    ExpertTable table;
    table.experts.assign(experts.begin(), experts.end());
    return moe_block(ctx, ws, router, table, n_used, h, out);
}

}  // namespace farsight
