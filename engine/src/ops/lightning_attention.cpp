// lightning_attention: slopes/decay recipe, validation and dispatch.
#include "ops/lightning_attention.h"

#include <cmath>

#include "ops/cuda/cuda_ops.h"

namespace farsight {
namespace {

// OpenNLPLab/ALiBi slope recipe, evaluated in double and rounded to f32 as torch.tensor(..., float32).
std::vector<double> slopes_f64(int64_t n) {
    auto pow2 = [](int64_t m) {
        const double start = std::pow(2.0, -std::pow(2.0, -(std::log2(static_cast<double>(m)) - 3.0)));
        std::vector<double> s;
        for (int64_t i = 0; i < m; ++i) s.push_back(start * std::pow(start, static_cast<double>(i)));
        return s;
    };
    const double lg = std::log2(static_cast<double>(n));
    if (lg == std::floor(lg)) return pow2(n);
    const int64_t closest = int64_t{1} << static_cast<int>(std::floor(lg));
    std::vector<double> s = pow2(closest);
    std::vector<double> extra = slopes_f64(2 * closest);
    for (int64_t i = 0; i < n - closest; ++i) s.push_back(extra[static_cast<size_t>(2 * i)]);
    return s;
}

Status check_lightning(const OpContext& ctx, const TensorView& qkv, const TensorView& state,
                       std::span<const float> lambda, const TensorView& out, const char* op) {
    if (ctx.device == Device::cpu || qkv.dtype != DType::bf16) FS_RETURN_IF_ERROR(expect_dtype(qkv, DType::f32, op, "qkv"));
    FS_RETURN_IF_ERROR(expect_dtype(state, DType::f32, op, "state"));
    if (ctx.device == Device::cpu || out.dtype != DType::bf16) FS_RETURN_IF_ERROR(expect_dtype(out, DType::f32, op, "out"));
    for (const TensorView* v : {&qkv, &state, &out}) FS_RETURN_IF_ERROR(expect_device(ctx, *v, op, "operand"));
    FS_RETURN_IF_ERROR(expect_rank(qkv, 3, op, "qkv"));
    FS_RETURN_IF_ERROR(expect_rank(state, 3, op, "state"));
    const int64_t t = qkv.dim(0), h = qkv.dim(1), d = qkv.dim(2) / 3;
    if (qkv.dim(2) != 3 * d) return Status(ErrorCode::invalid_argument, std::string(op) + ": qkv last dim must be 3·d");
    FS_RETURN_IF_ERROR(expect_dim(state, 0, h, op, "state"));
    FS_RETURN_IF_ERROR(expect_dim(state, 1, d, op, "state"));
    FS_RETURN_IF_ERROR(expect_dim(state, 2, d, op, "state"));
    if (out.numel() != t * h * d) return Status(ErrorCode::invalid_argument, std::string(op) + ": out must be [T, H·d]");
    if (static_cast<int64_t>(lambda.size()) != h)
        return Status(ErrorCode::invalid_argument, std::string(op) + ": need one decay rate per head");
    return {};
}

}  // namespace

std::vector<float> lightning_slopes(int64_t n_head) {
    std::vector<float> out;
    for (double s : slopes_f64(n_head)) out.push_back(static_cast<float>(s));
    return out;
}

std::vector<float> lightning_decay(int64_t n_head, int64_t layer, int64_t n_layer) {
    // The reference divides by (L - 1); a single-layer model would divide by zero there, and vLLM
    // uses the factor 1 + 1e-5 for it — so do we.
    const double factor = n_layer > 1 ? 1.0 - static_cast<double>(layer) / static_cast<double>(n_layer - 1) + 1e-5 : 1.0 + 1e-5;
    const float f = static_cast<float>(factor);
    std::vector<float> lam = lightning_slopes(n_head);
    for (float& v : lam) v = v * f;
    return lam;
}

Status lightning_prefill(const OpContext& ctx, const TensorView& qkv, const TensorView& state,
                         std::span<const float> lambda, const TensorView& out, QkvActivation act, int64_t block) {
    FS_RETURN_IF_ERROR(check_lightning(ctx, qkv, state, lambda, out, "lightning_prefill"));
    if (block < 1) return Status(ErrorCode::invalid_argument, "lightning_prefill: block must be >= 1");
    const bool silu = act == QkvActivation::silu;
    if (ctx.device == Device::cuda) return cuda::lightning_prefill(ctx, qkv, state, lambda, out, silu);
    cpu::lightning_prefill(ctx, qkv.f32(), qkv.dim(0), qkv.dim(1), qkv.dim(2) / 3, state.f32(), lambda.data(),
                           out.f32(), block, silu);
    return {};
}

Status lightning_decode(const OpContext& ctx, const TensorView& qkv, const TensorView& state,
                        std::span<const float> lambda, const TensorView& out, QkvActivation act) {
    FS_RETURN_IF_ERROR(check_lightning(ctx, qkv, state, lambda, out, "lightning_decode"));
    const bool silu = act == QkvActivation::silu;
    if (ctx.device == Device::cuda) return cuda::lightning_decode(ctx, qkv, state, lambda, out, silu);
    cpu::lightning_decode(ctx, qkv.f32(), qkv.dim(0), qkv.dim(1), qkv.dim(2) / 3, state.f32(), lambda.data(),
                          out.f32(), silu);
    return {};
}

}  // namespace farsight
