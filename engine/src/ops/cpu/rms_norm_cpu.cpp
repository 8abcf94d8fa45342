// CPU rms_norm: the mean of squares accumulates in f64 (closer to the f64 truth than the f32
// reference, well inside the fixtures' tolerance).
#include <cmath>

#include "ops/rms_norm.h"

namespace farsight::cpu {

void rms_norm(const OpContext& ctx, const float* x, int64_t m, int64_t d, const float* w, float eps, float* y) {
    ctx.parallel_for(m, [&](int64_t r0, int64_t r1, int) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* xr = x + r * d;
            float* yr = y + r * d;
            double ss = 0.0;
            for (int64_t i = 0; i < d; ++i) ss += static_cast<double>(xr[i]) * xr[i];
            const float inv = static_cast<float>(1.0 / std::sqrt(ss / static_cast<double>(d) + eps));
            for (int64_t i = 0; i < d; ++i) yr[i] = w[i] * (xr[i] * inv);
        }
    }, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, d)));
}

}  // namespace farsight::cpu
