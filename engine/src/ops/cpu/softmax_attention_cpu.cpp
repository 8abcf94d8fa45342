// CPU causal GQA: one (query, head) pair per task; two-pass softmax in f32 with the row max
// subtracted, like flash-attention's exact result.
#include <algorithm>
#include <cmath>
#include <vector>

#include "ops/softmax_attention.h"

namespace farsight::cpu {

void softmax_attention(const OpContext& ctx, const float* q, int64_t t, int64_t n_head, int64_t n_head_kv, int64_t d,
                       const float* k, const float* v, int64_t n_past, float scale, float* out) {
    const int64_t group = n_head / n_head_kv;
    ctx.parallel_for(t * n_head, [&](int64_t w0, int64_t w1, int) {
        thread_local std::vector<float> p;
        std::vector<double> acc(static_cast<size_t>(d));
        for (int64_t w = w0; w < w1; ++w) {
            const int64_t ti = w / n_head, h = w % n_head, hk = h / group;
            const int64_t n_keys = n_past + ti + 1;
            p.resize(static_cast<size_t>(n_keys));
            const float* qv = q + (ti * n_head + h) * d;
            float mx = -INFINITY;
            for (int64_t j = 0; j < n_keys; ++j) {
                const float* kv = k + (j * n_head_kv + hk) * d;
                float dot = 0.0f;
                for (int64_t a = 0; a < d; ++a) dot += qv[a] * kv[a];
                p[static_cast<size_t>(j)] = dot * scale;
                mx = std::max(mx, p[static_cast<size_t>(j)]);
            }
            double sum = 0.0;
            for (int64_t j = 0; j < n_keys; ++j) sum += (p[static_cast<size_t>(j)] = std::exp(p[static_cast<size_t>(j)] - mx));
            std::fill(acc.begin(), acc.end(), 0.0);
            for (int64_t j = 0; j < n_keys; ++j) {
                const float pj = p[static_cast<size_t>(j)];
                const float* vv = v + (j * n_head_kv + hk) * d;
                for (int64_t a = 0; a < d; ++a) acc[static_cast<size_t>(a)] += static_cast<double>(pj) * vv[a];
            }
            float* o = out + ti * n_head * d + h * d;
            for (int64_t a = 0; a < d; ++a) o[a] = static_cast<float>(acc[static_cast<size_t>(a)] / sum);
        }
    });
}

}  // namespace farsight::cpu
