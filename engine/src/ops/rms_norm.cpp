// rms_norm: validation and dispatch (weights are decoded to f32 once per call; they are small).
#include "ops/rms_norm.h"

#include <vector>

#include "ops/cuda/cuda_ops.h"

namespace farsight {

Status rms_norm(const OpContext& ctx, const TensorView& x, const TensorView& w, float eps, const TensorView& y) {
    constexpr const char* op = "rms_norm";
    FS_RETURN_IF_ERROR(expect_dtype(x, DType::f32, op, "x"));
    FS_RETURN_IF_ERROR(expect_dtype(y, DType::f32, op, "y"));
    FS_RETURN_IF_ERROR(expect_rank(w, 1, op, "w"));
    const int64_t d = w.dim(0);
    FS_RETURN_IF_ERROR(expect_dim(x, -1, d, op, "x"));
    if (y.numel() != x.numel()) return Status(ErrorCode::invalid_argument, "rms_norm: y and x differ in size");
    FS_RETURN_IF_ERROR(expect_device(ctx, x, "rms_norm", "x"));
    FS_RETURN_IF_ERROR(expect_device(ctx, w, "rms_norm", "w"));
    if (ctx.device == Device::cuda) return cuda::rms_norm(ctx, x, w, eps, y);
    if (w.dtype == DType::f32) {
        cpu::rms_norm(ctx, x.f32(), x.rows(), d, w.f32(), eps, y.f32());
    } else {
        std::vector<float> wf(static_cast<size_t>(d));
        convert_to_f32(w.dtype, w.data, wf.data(), d);
        cpu::rms_norm(ctx, x.f32(), x.rows(), d, wf.data(), eps, y.f32());
    }
    return {};
}

}  // namespace farsight
