// CPU layer norm: mean and variance accumulated in f64 per row, applied in f32.
#include <cmath>

#include "ops/layer_norm.h"

namespace farsight::cpu {

void layer_norm(const OpContext& ctx, const float* x, int64_t m, int64_t d, const float* w, const float* b, float eps,
                float* y) {
    ctx.parallel_for(m, [&](int64_t r0, int64_t r1, int) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* xr = x + r * d;
            double sum = 0.0;
            for (int64_t i = 0; i < d; ++i) sum += xr[i];
            const double mean = sum / static_cast<double>(d);
            double var = 0.0;
            for (int64_t i = 0; i < d; ++i) {
                const double c = xr[i] - mean;
                var += c * c;
            }
            const float rstd = static_cast<float>(1.0 / std::sqrt(var / static_cast<double>(d) + eps));
            const float mf = static_cast<float>(mean);
            float* yr = y + r * d;
            for (int64_t i = 0; i < d; ++i) yr[i] = (xr[i] - mf) * rstd * w[i] + b[i];
        }
    }, 4);
}

}  // namespace farsight::cpu
