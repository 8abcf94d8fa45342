// CUDA launchers of the vision ops (layer_norm, linear, attention_full, patch embedding): same
// contracts as the op files, which validate and then call these when ctx.device is cuda. Builds
// without CUDA link ops/vit_cuda_off.cpp instead (answers `unsupported`).
#pragma once

#include "ops/linear.h"
#include "ops/op_context.h"

namespace farsight::cuda {

Status layer_norm(const OpContext& ctx, const TensorView& x, const TensorView& w, const TensorView& b, float eps,
                  const TensorView& y);
Status linear(const OpContext& ctx, const TensorView& x, const TensorView& w, const TensorView& b, Activation act,
              const TensorView& r, const TensorView& y);
Status attention_full(const OpContext& ctx, const TensorView& qkv, int64_t n_head, float scale, const TensorView& out);
// pixels [B, 3, S, S] f32 → patches [B, (S/p)², 3·p·p] (f32 or bf16), rows in conv-weight order.
Status patchify(const OpContext& ctx, const TensorView& pixels, int64_t patch, const TensorView& patches);
Status vit_embeddings(const OpContext& ctx, const TensorView& p, const TensorView& cls, const TensorView& pos,
                      const TensorView& x);

}  // namespace farsight::cuda
