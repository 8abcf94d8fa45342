// rope_neox: validation and dispatch.
#include "ops/rope.h"

namespace farsight {

Status rope_neox(const OpContext& ctx, const TensorView& x, int64_t pos0, int64_t rotary_dim, double theta) {
    constexpr const char* op = "rope_neox";
    FS_RETURN_IF_ERROR(expect_dtype(x, DType::f32, op, "x"));
    FS_RETURN_IF_ERROR(expect_rank(x, 3, op, "x"));
    FS_RETURN_IF_ERROR(expect_device(ctx, x, op, "x"));
    if (rotary_dim < 0 || rotary_dim > x.dim(2) || rotary_dim % 2)
        return Status(ErrorCode::invalid_argument, "rope_neox: rotary_dim must be even and <= head_dim");
    if (pos0 < 0) return Status(ErrorCode::invalid_argument, "rope_neox: negative position");
    if (ctx.device != Device::cpu) return Status(ErrorCode::unsupported, "rope_neox: no kernel for this device");
    cpu::rope_neox(ctx, x.f32(), x.dim(0), x.dim(1), x.dim(2), pos0, rotary_dim, theta);
    return {};
}

}  // namespace farsight
