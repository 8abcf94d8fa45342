// attention_full: validation and dispatch.
#include "ops/attention_full.h"

#include "ops/cuda/vit_cuda.h"

namespace farsight {

Status attention_full(const OpContext& ctx, const TensorView& qkv, int64_t n_head, float scale, const TensorView& out) {
    constexpr const char* op = "attention_full";
    FS_RETURN_IF_ERROR(expect_rank(qkv, 3, op, "qkv"));
    FS_RETURN_IF_ERROR(expect_rank(out, 3, op, "out"));
    if (n_head <= 0 || qkv.dim(2) % (3 * n_head) != 0)
        return Status(ErrorCode::invalid_argument, "attention_full: qkv rows " + std::to_string(qkv.dim(2)) +
                                                       " are not 3 × " + std::to_string(n_head) + " heads");
    const int64_t d = qkv.dim(2) / (3 * n_head);
    if (out.dim(0) != qkv.dim(0) || out.dim(1) != qkv.dim(1) || out.dim(2) != n_head * d)
        return Status(ErrorCode::invalid_argument, "attention_full: out " + out.shape_string() + " does not match qkv " +
                                                       qkv.shape_string());
    if (qkv.dtype != out.dtype) return Status(ErrorCode::invalid_argument, "attention_full: qkv and out dtypes differ");
    FS_RETURN_IF_ERROR(expect_device(ctx, qkv, op, "qkv"));
    FS_RETURN_IF_ERROR(expect_device(ctx, out, op, "out"));
    if (ctx.device == Device::cuda) return cuda::attention_full(ctx, qkv, n_head, scale, out);
    FS_RETURN_IF_ERROR(expect_dtype(qkv, DType::f32, op, "qkv"));
    cpu::attention_full(ctx, qkv.f32(), qkv.dim(0), qkv.dim(1), n_head, d, scale, out.f32());
    return {};
}

}  // namespace farsight
