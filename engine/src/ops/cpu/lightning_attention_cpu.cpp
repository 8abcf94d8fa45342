// CPU lightning attention, parallel over heads. Prefill per block of m tokens (local i, j):
//   O[i] = e^{-λ(i+1)} q_i S_prev + Σ_{j≤i} e^{-λ(i-j)} (q_i·k_j) v_j
//   S    = e^{-λm} S_prev + Σ_j e^{-λ(m-1-j)} k_jᵀ v_j
// Decay factors are f32 like the reference's tables; the state stays f32 throughout.
#include <cmath>
#include <vector>

#include "ops/lightning_attention.h"

namespace farsight::cpu {

namespace {
inline float act(float x, bool silu) { return silu ? x / (1.0f + std::exp(-x)) : x; }
}  // namespace

void lightning_prefill(const OpContext& ctx, const float* qkv, int64_t t, int64_t n_head, int64_t d, float* state,
                       const float* lambda, float* out, int64_t block, bool silu) {
    const int64_t row = n_head * 3 * d;  // floats per token in qkv
    ctx.parallel_for(n_head, [&](int64_t h0, int64_t h1, int) {
        std::vector<float> q(static_cast<size_t>(block * d)), k(q.size()), v(q.size()), o(q.size());
        std::vector<float> scores(static_cast<size_t>(block)), decay(static_cast<size_t>(block + 1));
        for (int64_t h = h0; h < h1; ++h) {
            float* s = state + h * d * d;
            const float lam = lambda[h];
            for (int64_t i = 0; i <= block; ++i) decay[static_cast<size_t>(i)] = std::exp(-lam * static_cast<float>(i));
            for (int64_t b0 = 0; b0 < t; b0 += block) {
                const int64_t m = std::min(block, t - b0);
                for (int64_t i = 0; i < m; ++i) {
                    const float* src = qkv + (b0 + i) * row + h * 3 * d;
                    for (int64_t a = 0; a < d; ++a) {
                        q[static_cast<size_t>(i * d + a)] = act(src[a], silu);
                        k[static_cast<size_t>(i * d + a)] = act(src[d + a], silu);
                        v[static_cast<size_t>(i * d + a)] = act(src[2 * d + a], silu);
                    }
                }
                for (int64_t i = 0; i < m; ++i) {
                    const float* qi = &q[static_cast<size_t>(i * d)];
                    float* oi = &o[static_cast<size_t>(i * d)];
                    // inter-block: e^{-λ(i+1)} q_i S_prev
                    std::fill(oi, oi + d, 0.0f);
                    for (int64_t a = 0; a < d; ++a) {
                        const float qa = qi[a];
                        const float* srow = s + a * d;
                        for (int64_t e = 0; e < d; ++e) oi[e] += qa * srow[e];
                    }
                    const float qd = decay[static_cast<size_t>(i + 1)];
                    for (int64_t e = 0; e < d; ++e) oi[e] *= qd;
                    // intra-block: decayed causal scores times v
                    for (int64_t j = 0; j <= i; ++j) {
                        const float* kj = &k[static_cast<size_t>(j * d)];
                        float dot = 0.0f;
                        for (int64_t a = 0; a < d; ++a) dot += qi[a] * kj[a];
                        scores[static_cast<size_t>(j)] = dot * decay[static_cast<size_t>(i - j)];
                    }
                    for (int64_t j = 0; j <= i; ++j) {
                        const float sc = scores[static_cast<size_t>(j)];
                        const float* vj = &v[static_cast<size_t>(j * d)];
                        for (int64_t e = 0; e < d; ++e) oi[e] += sc * vj[e];
                    }
                }
                // state update
                const float bd = decay[static_cast<size_t>(m)];
                for (int64_t x = 0; x < d * d; ++x) s[x] *= bd;
                for (int64_t j = 0; j < m; ++j) {
                    const float kd = decay[static_cast<size_t>(m - 1 - j)];
                    const float* kj = &k[static_cast<size_t>(j * d)];
                    const float* vj = &v[static_cast<size_t>(j * d)];
                    for (int64_t a = 0; a < d; ++a) {
                        const float ka = kj[a] * kd;
                        float* srow = s + a * d;
                        for (int64_t e = 0; e < d; ++e) srow[e] += ka * vj[e];
                    }
                }
                for (int64_t i = 0; i < m; ++i)
                    std::copy(&o[static_cast<size_t>(i * d)], &o[static_cast<size_t>(i * d)] + d,
                              out + (b0 + i) * n_head * d + h * d);
            }
        }
    });
}

void lightning_decode(const OpContext& ctx, const float* qkv, int64_t t, int64_t n_head, int64_t d, float* state,
                      const float* lambda, float* out, bool silu) {
    const int64_t row = n_head * 3 * d;
    ctx.parallel_for(n_head, [&](int64_t h0, int64_t h1, int) {
        std::vector<float> qkv_local(static_cast<size_t>(3 * d));
        for (int64_t h = h0; h < h1; ++h) {
            float* s = state + h * d * d;
            const float r = std::exp(-lambda[h]);
            for (int64_t ti = 0; ti < t; ++ti) {
                const float* src = qkv + ti * row + h * 3 * d;
                for (int64_t a = 0; a < 3 * d; ++a) qkv_local[static_cast<size_t>(a)] = act(src[a], silu);
                const float* q = qkv_local.data();
                const float* k = q + d;
                const float* v = q + 2 * d;
                float* o = out + ti * n_head * d + h * d;
                std::fill(o, o + d, 0.0f);
                for (int64_t a = 0; a < d; ++a) {
                    float* srow = s + a * d;
                    const float ka = k[a], qa = q[a];
                    for (int64_t e = 0; e < d; ++e) {
                        srow[e] = r * srow[e] + ka * v[e];
                        o[e] += qa * srow[e];
                    }
                }
            }
        }
    });
}

}  // namespace farsight::cpu
