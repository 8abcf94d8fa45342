// patchify: the im2col half of a ViT's stride-p patch convolution (the other half is `linear`
// with the conv weight [E, 3, p, p] viewed as [E, 3·p·p]). pixels: [B, 3, S, S] f32;
// patches: [B, (S/p)², 3·p·p] f32 (bf16 allowed on the GPU), patch rows row-major over the grid,
// each patch in (channel, y, x) order like the weight.
#pragma once

#include "ops/op_context.h"

namespace farsight {

Status patchify(const OpContext& ctx, const TensorView& pixels, int64_t patch, const TensorView& patches);

// The token sequence of a ViT: x[b, 0] = cls + pos[0] and x[b, 1 + i] = p[b, i] + pos[1 + i] with a
// class token (CLIP); x[b, i] = p[b, i] + pos[i] without (SigLIP: pass an empty cls).
// p: [B, n, E] f32; cls: [E] f32 or empty; pos: [n (+1), E] f32; x: [B, n (+1), E] f32.
Status vit_embeddings(const OpContext& ctx, const TensorView& p, const TensorView& cls, const TensorView& pos,
                      const TensorView& x);

}  // namespace farsight
