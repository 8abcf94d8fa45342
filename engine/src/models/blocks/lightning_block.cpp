// Lightning attention sub-layer: qkv = SiLU(h Wqkvᵀ) (per-head interleaved), linear attention
// with decay and f32 state, RMSNorm over all heads (eps 1e-6), sigmoid gate, out projection.
#include "models/blocks/blocks.h"
#include "models/minimax_text.h"
#include "ops/activations.h"
#include "ops/lightning_attention.h"
#include "ops/matmul.h"
#include "ops/rms_norm.h"

namespace farsight {

Status lightning_block(const OpContext& ctx, Workspace& ws, const LightningLayerWeights& w, int64_t n_head,
                       int64_t head_dim, float norm_eps, const TensorView& h, float* state, const TensorView& a) {
    const int64_t t = h.rows(), hd = n_head * head_dim;
    // On the GPU's bf16 path the projection writes bf16 and the prefill kernel reads it directly.
    const bool bf16_qkv = ctx.device == Device::cuda && ctx.precision == Precision::bf16 && t > 1;
    FS_ASSIGN_OR_RETURN(TensorView qkv, ws.get(kSlotBlock + 0, bf16_qkv ? DType::bf16 : DType::f32, {t, n_head, 3 * head_dim}));
    FS_ASSIGN_OR_RETURN(TensorView o, ws.get(kSlotBlock + 1, DType::f32, {t, hd}));
    FS_ASSIGN_OR_RETURN(TensorView g, ws.get(kSlotBlock + 2, DType::f32, {t, hd}));
    FS_RETURN_IF_ERROR(matmul(ctx, h, w.qkv, qkv.reshaped({t, 3 * hd})));
    TensorView sv(state, DType::f32, {n_head, head_dim, head_dim}, ctx.device);
    if (t == 1) FS_RETURN_IF_ERROR(lightning_decode(ctx, qkv, sv, w.lambda, o, QkvActivation::silu));
    else FS_RETURN_IF_ERROR(lightning_prefill(ctx, qkv, sv, w.lambda, o, QkvActivation::silu));
    FS_RETURN_IF_ERROR(rms_norm(ctx, o, w.norm, norm_eps, o));
    FS_RETURN_IF_ERROR(matmul(ctx, h, w.gate, g));
    FS_RETURN_IF_ERROR(sigmoid_gate(ctx, o, g));
    return matmul(ctx, o, w.out, a);
}

}  // namespace farsight
