// CPU rope_neox. inv_freq and angles in f32 exactly as the reference builds them:
// inv_freq = 1 / theta^(arange(0, dim, 2) / dim) (f32), angle = f32(p) * inv_freq, cos/sin in f32.
#include <cmath>
#include <vector>

#include "ops/rope.h"

namespace farsight::cpu {

void rope_neox(const OpContext& ctx, float* x, int64_t t, int64_t n_head, int64_t head_dim, int64_t pos0,
               int64_t rotary_dim, double theta) {
    if (rotary_dim == 0) return;
    const int64_t half = rotary_dim / 2;
    std::vector<float> inv_freq(static_cast<size_t>(half));
    const float base = static_cast<float>(theta);
    for (int64_t i = 0; i < half; ++i) {
        const float expo = static_cast<float>(2 * i) / static_cast<float>(rotary_dim);
        inv_freq[static_cast<size_t>(i)] = 1.0f / std::pow(base, expo);
    }
    ctx.parallel_for(t, [&](int64_t t0, int64_t t1, int) {
        std::vector<float> cs(static_cast<size_t>(half)), sn(static_cast<size_t>(half));
        for (int64_t ti = t0; ti < t1; ++ti) {
            const float p = static_cast<float>(pos0 + ti);
            for (int64_t i = 0; i < half; ++i) {
                const float a = p * inv_freq[static_cast<size_t>(i)];
                cs[static_cast<size_t>(i)] = std::cos(a);
                sn[static_cast<size_t>(i)] = std::sin(a);
            }
            for (int64_t h = 0; h < n_head; ++h) {
                float* v = x + (ti * n_head + h) * head_dim;
                for (int64_t i = 0; i < half; ++i) {
                    const float a = v[i], b = v[i + half];
                    v[i] = a * cs[static_cast<size_t>(i)] - b * sn[static_cast<size_t>(i)];
                    v[i + half] = b * cs[static_cast<size_t>(i)] + a * sn[static_cast<size_t>(i)];
                }
            }
        }
    });
}

void rope(const OpContext& ctx, float* x, int64_t t, int64_t n_head, int64_t head_dim, int64_t pos0,
          std::span<const float> inv_freq, RopePairing pairing) {
    const int64_t half = static_cast<int64_t>(inv_freq.size());
    if (half == 0) return;
    ctx.parallel_for(t, [&](int64_t t0, int64_t t1, int) {
        std::vector<float> cs(static_cast<size_t>(half)), sn(static_cast<size_t>(half));
        for (int64_t ti = t0; ti < t1; ++ti) {
            const float p = static_cast<float>(pos0 + ti);
            for (int64_t i = 0; i < half; ++i) {
                const float a = p * inv_freq[static_cast<size_t>(i)];
                cs[static_cast<size_t>(i)] = std::cos(a);
                sn[static_cast<size_t>(i)] = std::sin(a);
            }
            for (int64_t h = 0; h < n_head; ++h) {
                float* v = x + (ti * n_head + h) * head_dim;
                // neox pairs (i, i + half); interleaved pairs (2i, 2i + 1).
                const int64_t stride = pairing == RopePairing::neox ? 1 : 2, other = pairing == RopePairing::neox ? half : 1;
                for (int64_t i = 0; i < half; ++i) {
                    float* pa = v + i * stride;
                    const float a = pa[0], b = pa[other];
                    pa[0] = a * cs[static_cast<size_t>(i)] - b * sn[static_cast<size_t>(i)];
                    pa[other] = b * cs[static_cast<size_t>(i)] + a * sn[static_cast<size_t>(i)];
                }
            }
        }
    });
}

}  // namespace farsight::cpu
