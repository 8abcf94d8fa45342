// rope_neox: validation and dispatch.
#include "ops/rope.h"

#include <cmath>

#include "ops/cuda/cuda_ops.h"

namespace farsight {

Status rope_neox(const OpContext& ctx, const TensorView& x, int64_t pos0, int64_t rotary_dim, double theta) {
    constexpr const char* op = "rope_neox";
    FS_RETURN_IF_ERROR(expect_dtype(x, DType::f32, op, "x"));
    FS_RETURN_IF_ERROR(expect_rank(x, 3, op, "x"));
    FS_RETURN_IF_ERROR(expect_device(ctx, x, op, "x"));
    if (rotary_dim < 0 || rotary_dim > x.dim(2) || rotary_dim % 2)
        return Status(ErrorCode::invalid_argument, "rope_neox: rotary_dim must be even and <= head_dim");
    if (pos0 < 0) return Status(ErrorCode::invalid_argument, "rope_neox: negative position");
    if (ctx.device == Device::cuda) return cuda::rope_neox(ctx, x, pos0, rotary_dim, theta);
    cpu::rope_neox(ctx, x.f32(), x.dim(0), x.dim(1), x.dim(2), pos0, rotary_dim, theta);
    return {};
}

Status rope(const OpContext& ctx, const TensorView& x, int64_t pos0, std::span<const float> inv_freq, RopePairing pairing) {
    constexpr const char* op = "rope";
    FS_RETURN_IF_ERROR(expect_dtype(x, DType::f32, op, "x"));
    FS_RETURN_IF_ERROR(expect_rank(x, 3, op, "x"));
    FS_RETURN_IF_ERROR(expect_device(ctx, x, op, "x"));
    if (static_cast<int64_t>(inv_freq.size()) * 2 > x.dim(2))
        return Status(ErrorCode::invalid_argument, "rope: 2 x inv_freq.size() exceeds head_dim");
    if (pos0 < 0) return Status(ErrorCode::invalid_argument, "rope: negative position");
    if (ctx.device != Device::cpu) return Status(ErrorCode::unsupported, "rope: no kernel for this device");
    cpu::rope(ctx, x.f32(), x.dim(0), x.dim(1), x.dim(2), pos0, inv_freq, pairing);
    return {};
}

std::vector<float> rope_inv_freq(int64_t rotary_dim, double theta, const RopeScaling& sc, std::span<const float> freq_factors) {
    const int64_t half = rotary_dim / 2;
    std::vector<float> f(static_cast<size_t>(half));
    const float base = static_cast<float>(theta);
    for (int64_t i = 0; i < half; ++i)
        f[static_cast<size_t>(i)] = 1.0f / std::pow(base, static_cast<float>(2 * i) / static_cast<float>(rotary_dim));
    if (sc.kind == RopeScaling::Kind::linear) {
        for (float& v : f) v = static_cast<float>(v / sc.factor);
    } else if (sc.kind == RopeScaling::Kind::llama3) {
        const double low_wavelen = sc.original_max_position / sc.low_freq_factor;
        const double high_wavelen = sc.original_max_position / sc.high_freq_factor;
        for (float& v : f) {
            const double wavelen = 2.0 * M_PI / v;
            if (wavelen > low_wavelen) {
                v = static_cast<float>(v / sc.factor);
            } else if (wavelen >= high_wavelen) {  // medium band: interpolate
                const double smooth = (sc.original_max_position / wavelen - sc.low_freq_factor) /
                                      (sc.high_freq_factor - sc.low_freq_factor);
                v = static_cast<float>((1.0 - smooth) * v / sc.factor + smooth * v);
            }
        }
    }
    for (size_t i = 0; i < freq_factors.size() && i < f.size(); ++i) f[i] /= freq_factors[i];
    return f;
}

}  // namespace farsight
