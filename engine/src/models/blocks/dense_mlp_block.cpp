// Dense SwiGLU MLP sub-layer (LlamaMLP): down_proj(silu(gate_proj(h)) * up_proj(h)).
#include "models/blocks/llama_blocks.h"
#include "ops/activations.h"
#include "ops/matmul.h"

namespace farsight {

Status dense_mlp_block(const OpContext& ctx, Workspace& ws, const DenseMlpWeights& w, const TensorView& h,
                       const TensorView& a) {
    const int64_t t = h.rows(), n_ff = w.gate.dim(0);
    FS_ASSIGN_OR_RETURN(TensorView g, ws.get(kSlotBlock + 0, DType::f32, {t, n_ff}));
    FS_ASSIGN_OR_RETURN(TensorView u, ws.get(kSlotBlock + 1, DType::f32, {t, n_ff}));
    FS_RETURN_IF_ERROR(matmul(ctx, h, w.gate, g));
    FS_RETURN_IF_ERROR(matmul(ctx, h, w.up, u));
    FS_RETURN_IF_ERROR(swiglu(ctx, g, u, g));
    return matmul(ctx, g, w.down, a);
}

}  // namespace farsight
