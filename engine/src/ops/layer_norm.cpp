// layer_norm: validation and dispatch (weights decoded to f32 per call; they are small).
#include "ops/layer_norm.h"

#include <vector>

#include "ops/cuda/vit_cuda.h"

namespace farsight {

Status layer_norm(const OpContext& ctx, const TensorView& x, const TensorView& w, const TensorView& b, float eps,
                  const TensorView& y) {
    constexpr const char* op = "layer_norm";
    FS_RETURN_IF_ERROR(expect_dtype(x, DType::f32, op, "x"));
    FS_RETURN_IF_ERROR(expect_rank(w, 1, op, "w"));
    FS_RETURN_IF_ERROR(expect_rank(b, 1, op, "b"));
    const int64_t d = w.dim(0);
    FS_RETURN_IF_ERROR(expect_dim(b, 0, d, op, "b"));
    FS_RETURN_IF_ERROR(expect_dim(x, -1, d, op, "x"));
    if (y.numel() != x.numel()) return Status(ErrorCode::invalid_argument, "layer_norm: y and x differ in size");
    for (const TensorView* t : {&x, &w, &b, &y}) FS_RETURN_IF_ERROR(expect_device(ctx, *t, op, "operand"));
    if (ctx.device == Device::cuda) return cuda::layer_norm(ctx, x, w, b, eps, y);
    FS_RETURN_IF_ERROR(expect_dtype(y, DType::f32, op, "y"));
    std::vector<float> wf(static_cast<size_t>(d)), bf(static_cast<size_t>(d));
    convert_to_f32(w.dtype, w.data, wf.data(), d);
    convert_to_f32(b.dtype, b.data, bf.data(), d);
    cpu::layer_norm(ctx, x.f32(), x.rows(), d, wf.data(), bf.data(), eps, y.f32());
    return {};
}

}  // namespace farsight
