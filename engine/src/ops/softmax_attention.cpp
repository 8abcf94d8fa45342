// softmax_attention: validation and dispatch.
#include "ops/softmax_attention.h"

#include "ops/cuda/cuda_ops.h"

namespace farsight {

Status softmax_attention(const OpContext& ctx, const TensorView& q, const TensorView& k_cache,
                         const TensorView& v_cache, int64_t n_past, float scale, const TensorView& out) {
    constexpr const char* op = "softmax_attention";
    for (const TensorView* t : {&q, &out}) FS_RETURN_IF_ERROR(expect_dtype(*t, DType::f32, op, "operand"));
    for (const TensorView* t : {&k_cache, &v_cache})
        if (ctx.device == Device::cpu || t->dtype != DType::bf16) FS_RETURN_IF_ERROR(expect_dtype(*t, DType::f32, op, "cache"));
    for (const TensorView* t : {&q, &k_cache, &v_cache, &out}) FS_RETURN_IF_ERROR(expect_device(ctx, *t, op, "operand"));
    FS_RETURN_IF_ERROR(expect_rank(q, 3, op, "q"));
    FS_RETURN_IF_ERROR(expect_rank(k_cache, 3, op, "k_cache"));
    const int64_t t = q.dim(0), h = q.dim(1), d = q.dim(2), h_kv = k_cache.dim(1);
    if (h_kv < 1 || h % h_kv) return Status(ErrorCode::invalid_argument, "softmax_attention: H must be a multiple of H_kv");
    FS_RETURN_IF_ERROR(expect_dim(k_cache, 2, d, op, "k_cache"));
    if (v_cache.numel() != k_cache.numel()) return Status(ErrorCode::invalid_argument, "softmax_attention: k/v caches differ");
    if (n_past < 0 || n_past + t > k_cache.dim(0))
        return Status(ErrorCode::invalid_argument, "softmax_attention: positions exceed the cache capacity");
    if (out.numel() != t * h * d) return Status(ErrorCode::invalid_argument, "softmax_attention: out must be [T, H·d]");
    if (ctx.device == Device::cuda) return cuda::softmax_attention(ctx, q, k_cache, v_cache, n_past, scale, out);
    cpu::softmax_attention(ctx, q.f32(), t, h, h_kv, d, k_cache.f32(), v_cache.f32(), n_past, scale, out.f32());
    return {};
}

}  // namespace farsight
