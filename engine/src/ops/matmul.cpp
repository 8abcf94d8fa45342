// matmul: validation and dispatch.
#include "ops/matmul.h"

namespace farsight {

Status matmul(const OpContext& ctx, const TensorView& x, const TensorView& w, const TensorView& y) {
    constexpr const char* op = "matmul";
    FS_RETURN_IF_ERROR(expect_dtype(x, DType::f32, op, "x"));
    FS_RETURN_IF_ERROR(expect_dtype(y, DType::f32, op, "y"));
    FS_RETURN_IF_ERROR(expect_rank(w, 2, op, "w"));
    FS_RETURN_IF_ERROR(expect_device(ctx, x, op, "x"));
    FS_RETURN_IF_ERROR(expect_device(ctx, w, op, "w"));
    FS_RETURN_IF_ERROR(expect_device(ctx, y, op, "y"));
    const int64_t k = w.dim(1), n = w.dim(0);
    if (x.dim(-1) != k)
        return Status(ErrorCode::invalid_argument, "matmul: x " + x.shape_string() + " does not match w " + w.shape_string());
    const int64_t m = x.rows();
    if (y.dim(-1) != n || y.rows() != m)
        return Status(ErrorCode::invalid_argument, "matmul: y " + y.shape_string() + " is not [" + std::to_string(m) +
                                                       ", " + std::to_string(n) + "]");
    if (w.dtype != DType::f32 && w.dtype != DType::bf16 && w.dtype != DType::f16)
        return Status(ErrorCode::unsupported, std::string("matmul: weight dtype ") + std::string(dtype_name(w.dtype)));
    switch (ctx.device) {
        case Device::cpu: cpu::matmul(ctx, x.f32(), m, k, w, y.f32()); return {};
        case Device::cuda: break;
    }
    return Status(ErrorCode::unsupported, "matmul: no kernel for this device");
}

}  // namespace farsight
