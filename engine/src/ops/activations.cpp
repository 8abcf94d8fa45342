// Element-wise ops: validation and dispatch.
#include "ops/activations.h"

#include "ops/cuda/cuda_ops.h"

namespace farsight {
namespace {
Status same_f32(const OpContext& ctx, const char* op, std::initializer_list<const TensorView*> ts) {
    const int64_t n = (*ts.begin())->numel();
    for (const TensorView* t : ts) {
        FS_RETURN_IF_ERROR(expect_dtype(*t, DType::f32, op, "operand"));
        FS_RETURN_IF_ERROR(expect_device(ctx, *t, op, "operand"));
        if (t->numel() != n) return Status(ErrorCode::invalid_argument, std::string(op) + ": operands differ in size");
    }
    return {};
}
}  // namespace

Status silu_inplace(const OpContext& ctx, const TensorView& x) {
    FS_RETURN_IF_ERROR(same_f32(ctx, "silu", {&x}));
    if (ctx.device == Device::cuda) return cuda::silu_inplace(ctx, x);
    cpu::silu_inplace(ctx, x.f32(), x.numel());
    return {};
}

Status sigmoid_gate(const OpContext& ctx, const TensorView& o, const TensorView& g) {
    FS_RETURN_IF_ERROR(same_f32(ctx, "sigmoid_gate", {&o, &g}));
    if (ctx.device == Device::cuda) return cuda::sigmoid_gate(ctx, o, g);
    cpu::sigmoid_gate(ctx, o.f32(), g.f32(), o.numel());
    return {};
}

Status swiglu(const OpContext& ctx, const TensorView& a, const TensorView& b, const TensorView& y) {
    FS_RETURN_IF_ERROR(same_f32(ctx, "swiglu", {&a, &b, &y}));
    if (ctx.device == Device::cuda) return cuda::swiglu(ctx, a, b, y);
    cpu::swiglu(ctx, a.f32(), b.f32(), y.f32(), a.numel());
    return {};
}

Status scaled_residual(const OpContext& ctx, const TensorView& h, float alpha, const TensorView& f, float beta,
                       const TensorView& y) {
    FS_RETURN_IF_ERROR(same_f32(ctx, "scaled_residual", {&h, &f, &y}));
    if (ctx.device == Device::cuda) return cuda::scaled_residual(ctx, h, alpha, f, beta, y);
    cpu::scaled_residual(ctx, h.f32(), alpha, f.f32(), beta, y.f32(), h.numel());
    return {};
}

}  // namespace farsight
