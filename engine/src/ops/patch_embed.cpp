// patchify: validation, dispatch and the CPU reference (a copy; no arithmetic).
#include "ops/patch_embed.h"

#include <cstring>

#include "ops/cuda/vit_cuda.h"

namespace farsight {

Status patchify(const OpContext& ctx, const TensorView& pixels, int64_t patch, const TensorView& patches) {
    constexpr const char* op = "patchify";
    FS_RETURN_IF_ERROR(expect_rank(pixels, 4, op, "pixels"));
    FS_RETURN_IF_ERROR(expect_dtype(pixels, DType::f32, op, "pixels"));
    const int64_t b = pixels.dim(0), c = pixels.dim(1), s = pixels.dim(2);
    if (pixels.dim(3) != s || patch <= 0 || s % patch != 0)
        return Status(ErrorCode::invalid_argument, "patchify: pixels " + pixels.shape_string() +
                                                       " are not square tiles divisible by the patch size");
    const int64_t g = s / patch, n = g * g, row = c * patch * patch;
    if (patches.rank != 3 || patches.dim(0) != b || patches.dim(1) != n || patches.dim(2) != row)
        return Status(ErrorCode::invalid_argument, "patchify: patches " + patches.shape_string() + " is not [" +
                                                       std::to_string(b) + ", " + std::to_string(n) + ", " +
                                                       std::to_string(row) + "]");
    FS_RETURN_IF_ERROR(expect_device(ctx, pixels, op, "pixels"));
    FS_RETURN_IF_ERROR(expect_device(ctx, patches, op, "patches"));
    if (ctx.device == Device::cuda) return cuda::patchify(ctx, pixels, patch, patches);
    FS_RETURN_IF_ERROR(expect_dtype(patches, DType::f32, op, "patches"));
    const float* src = pixels.f32();
    float* dst = patches.f32();
    ctx.parallel_for(b * n, [&](int64_t w0, int64_t w1, int) {
        for (int64_t w = w0; w < w1; ++w) {
            const int64_t bi = w / n, py = (w % n) / g, px = w % g;
            float* o = dst + w * row;
            for (int64_t ch = 0; ch < c; ++ch)
                for (int64_t y = 0; y < patch; ++y) {
                    const float* in = src + ((bi * c + ch) * s + py * patch + y) * s + px * patch;
                    std::memcpy(o + (ch * patch + y) * patch, in, static_cast<size_t>(patch) * sizeof(float));
                }
        }
    }, 16);
    return {};
}

Status vit_embeddings(const OpContext& ctx, const TensorView& p, const TensorView& cls, const TensorView& pos,
                      const TensorView& x) {
    constexpr const char* op = "vit_embeddings";
    FS_RETURN_IF_ERROR(expect_rank(p, 3, op, "p"));
    const int64_t b = p.dim(0), n = p.dim(1), e = p.dim(2), t = n + (cls.empty() ? 0 : 1);
    for (const TensorView* v : {&p, &pos, &x}) {
        FS_RETURN_IF_ERROR(expect_dtype(*v, DType::f32, op, "operand"));
        FS_RETURN_IF_ERROR(expect_device(ctx, *v, op, "operand"));
    }
    if (!cls.empty()) {
        FS_RETURN_IF_ERROR(expect_dtype(cls, DType::f32, op, "cls"));
        FS_RETURN_IF_ERROR(expect_device(ctx, cls, op, "cls"));
        if (cls.numel() != e) return Status(ErrorCode::invalid_argument, "vit_embeddings: cls is not [E]");
    }
    if (pos.numel() != t * e || x.numel() != b * t * e)
        return Status(ErrorCode::invalid_argument, "vit_embeddings: pos " + pos.shape_string() + " / x " + x.shape_string() +
                                                       " do not fit " + std::to_string(t) + " positions");
    if (ctx.device == Device::cuda) return cuda::vit_embeddings(ctx, p, cls, pos, x);
    const float *ps = p.f32(), *pp = pos.f32(), *cs = cls.empty() ? nullptr : cls.f32();
    float* xs = x.f32();
    ctx.parallel_for(b * t, [&](int64_t w0, int64_t w1, int) {
        for (int64_t w = w0; w < w1; ++w) {
            const int64_t bi = w / t, ti = w % t;
            const float* src = cs ? (ti == 0 ? cs : ps + (bi * n + ti - 1) * e) : ps + (bi * n + ti) * e;
            const float* pe = pp + ti * e;
            float* o = xs + w * e;
            for (int64_t i = 0; i < e; ++i) o[i] = src[i] + pe[i];
        }
    }, 16);
    return {};
}

}  // namespace farsight
