// matmul: validation and dispatch.
#include "ops/matmul.h"

#include "ops/cuda/cuda_ops.h"

namespace farsight {

Status matmul(const OpContext& ctx, const TensorView& x, const TensorView& w, const TensorView& y) {
    constexpr const char* op = "matmul";
    FS_RETURN_IF_ERROR(expect_dtype(x, DType::f32, op, "x"));
    FS_RETURN_IF_ERROR(expect_rank(w, 2, op, "w"));
    FS_RETURN_IF_ERROR(expect_device(ctx, x, op, "x"));
    FS_RETURN_IF_ERROR(expect_device(ctx, w, op, "w"));
    FS_RETURN_IF_ERROR(expect_device(ctx, y, op, "y"));
    const int64_t k = w.dim(1), n = w.dim(0);
    if (x.dim(-1) != k)
        return Status(ErrorCode::invalid_argument, "matmul: x " + x.shape_string() + " does not match w " + w.shape_string());
    const int64_t m = x.rows();
    if (y.dtype == DType::bf16 && ctx.device == Device::cuda) {
        // bf16 outputs feed kernels that read bf16 (e.g. the fused lightning prefill).
    } else {
        FS_RETURN_IF_ERROR(expect_dtype(y, DType::f32, op, "y"));
    }
    if (y.dim(-1) != n || y.rows() != m)
        return Status(ErrorCode::invalid_argument, "matmul: y " + y.shape_string() + " is not [" + std::to_string(m) +
                                                       ", " + std::to_string(n) + "]");
    if (w.dtype != DType::f32 && w.dtype != DType::bf16 && w.dtype != DType::f16 && !dtype_is_quantized(w.dtype))
        return Status(ErrorCode::unsupported, std::string("matmul: weight dtype ") + std::string(dtype_name(w.dtype)));
    if (dtype_is_quantized(w.dtype) && k % dtype_info(w.dtype).block_elems != 0)
        return Status(ErrorCode::invalid_argument, "matmul: row length " + std::to_string(k) + " is not whole " +
                                                       std::string(dtype_name(w.dtype)) + " blocks");
    switch (ctx.device) {
        case Device::cpu: cpu::matmul(ctx, x.f32(), m, k, w, y.f32()); return {};
        case Device::cuda: return cuda::matmul(ctx, x, w, y);
    }
    return Status(ErrorCode::unsupported, "matmul: no kernel for this device");
}

}  // namespace farsight
