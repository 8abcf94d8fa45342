// linear: validation and dispatch; the CPU path is matmul followed by one epilogue sweep.
#include "ops/linear.h"

#include <cmath>
#include <vector>

#include "ops/cuda/vit_cuda.h"
#include "ops/matmul.h"

namespace farsight {

float activate(Activation act, float v) {
    switch (act) {
        case Activation::none: return v;
        case Activation::gelu_erf: return 0.5f * v * (1.0f + std::erf(v * 0.70710678118654752f));
        case Activation::gelu_tanh: {
            const float inner = 0.7978845608028654f * (v + 0.044715f * v * v * v);
            return 0.5f * v * (1.0f + std::tanh(inner));
        }
        case Activation::quick_gelu: return v / (1.0f + std::exp(-1.702f * v));
    }
    return v;
}

Status linear(const OpContext& ctx, const TensorView& x, const TensorView& w, const TensorView& b, Activation act,
              const TensorView& r, const TensorView& y) {
    constexpr const char* op = "linear";
    FS_RETURN_IF_ERROR(expect_rank(w, 2, op, "w"));
    const int64_t n = w.dim(0), k = w.dim(1), m = x.rows();
    FS_RETURN_IF_ERROR(expect_dim(x, -1, k, op, "x"));
    if (y.dim(-1) != n || y.rows() != m)
        return Status(ErrorCode::invalid_argument, "linear: y " + y.shape_string() + " does not match x " +
                                                       x.shape_string() + " · w " + w.shape_string() + "ᵀ");
    if (!b.empty()) {
        FS_RETURN_IF_ERROR(expect_rank(b, 1, op, "b"));
        FS_RETURN_IF_ERROR(expect_dim(b, 0, n, op, "b"));
        FS_RETURN_IF_ERROR(expect_device(ctx, b, op, "b"));
    }
    if (!r.empty()) {
        FS_RETURN_IF_ERROR(expect_dtype(r, DType::f32, op, "r"));
        FS_RETURN_IF_ERROR(expect_device(ctx, r, op, "r"));
        if (r.numel() != y.numel()) return Status(ErrorCode::invalid_argument, "linear: residual and y differ in size");
        if (r.data == y.data) return Status(ErrorCode::invalid_argument, "linear: the residual may not alias y");
    }
    FS_RETURN_IF_ERROR(expect_device(ctx, x, op, "x"));
    FS_RETURN_IF_ERROR(expect_device(ctx, w, op, "w"));
    FS_RETURN_IF_ERROR(expect_device(ctx, y, op, "y"));
    if (ctx.device == Device::cuda) return cuda::linear(ctx, x, w, b, act, r, y);
    FS_RETURN_IF_ERROR(expect_dtype(x, DType::f32, op, "x"));
    FS_RETURN_IF_ERROR(expect_dtype(y, DType::f32, op, "y"));
    FS_RETURN_IF_ERROR(matmul(ctx, x, w, y));
    std::vector<float> bf;
    if (!b.empty()) {
        bf.resize(static_cast<size_t>(n));
        convert_to_f32(b.dtype, b.data, bf.data(), n);
    }
    cpu::bias_act_residual(ctx, y.f32(), m, n, b.empty() ? nullptr : bf.data(), act, r.empty() ? nullptr : r.f32());
    return {};
}

namespace cpu {
void bias_act_residual(const OpContext& ctx, float* y, int64_t m, int64_t n, const float* b, Activation act,
                       const float* r) {
    ctx.parallel_for(m, [&](int64_t r0, int64_t r1, int) {
        for (int64_t i = r0; i < r1; ++i) {
            float* yr = y + i * n;
            const float* rr = r ? r + i * n : nullptr;
            for (int64_t j = 0; j < n; ++j) {
                float v = yr[j] + (b ? b[j] : 0.0f);
                v = activate(act, v);
                yr[j] = rr ? v + rr[j] : v;
            }
        }
    }, 8);
}
}  // namespace cpu

}  // namespace farsight
