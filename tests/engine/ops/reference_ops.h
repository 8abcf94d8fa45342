// Naive float64 references for the ops (written from the spec's formulas, not from the kernels),
// and the case tables shared by every backend's op tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "core/dtype.h"

namespace farsight::testref {

inline std::vector<float> random_vec(size_t n, uint32_t seed, float scale = 1.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

// y = x · wᵀ, x [m, k], w [n, k]
inline std::vector<double> matmul(const std::vector<float>& x, const std::vector<float>& w, int64_t m, int64_t k, int64_t n) {
    std::vector<double> y(static_cast<size_t>(m * n));
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
            double s = 0;
            for (int64_t a = 0; a < k; ++a) s += static_cast<double>(x[i * k + a]) * w[j * k + a];
            y[i * n + j] = s;
        }
    return y;
}

// Lightning attention by its definition: o_t = Σ_{u≤t} e^{-λ(t-u)} (q_t·k_u) v_u + e^{-λ(t+1)} q_t S0,
// final S = e^{-λT} S0 + Σ_u e^{-λ(T-1-u)} k_uᵀ v_u. qkv [T, H, 3d], state [H, d, d].
inline void lightning(const std::vector<float>& qkv, int64_t t, int64_t h, int64_t d, std::vector<double>& state,
                      const std::vector<float>& lambda, std::vector<double>& out) {
    out.assign(static_cast<size_t>(t * h * d), 0.0);
    for (int64_t hh = 0; hh < h; ++hh) {
        const double lam = lambda[hh];
        auto Q = [&](int64_t ti, int64_t a) { return static_cast<double>(qkv[(ti * h + hh) * 3 * d + a]); };
        auto K = [&](int64_t ti, int64_t a) { return static_cast<double>(qkv[(ti * h + hh) * 3 * d + d + a]); };
        auto V = [&](int64_t ti, int64_t a) { return static_cast<double>(qkv[(ti * h + hh) * 3 * d + 2 * d + a]); };
        double* s0 = &state[static_cast<size_t>(hh * d * d)];
        for (int64_t ti = 0; ti < t; ++ti) {
            double* o = &out[static_cast<size_t>((ti * h + hh) * d)];
            for (int64_t u = 0; u <= ti; ++u) {
                double dot = 0;
                for (int64_t a = 0; a < d; ++a) dot += Q(ti, a) * K(u, a);
                const double w = std::exp(-lam * static_cast<double>(ti - u)) * dot;
                for (int64_t e = 0; e < d; ++e) o[e] += w * V(u, e);
            }
            const double dq = std::exp(-lam * static_cast<double>(ti + 1));
            for (int64_t a = 0; a < d; ++a)
                for (int64_t e = 0; e < d; ++e) o[e] += dq * Q(ti, a) * s0[a * d + e];
        }
        std::vector<double> s(static_cast<size_t>(d * d));
        for (int64_t x = 0; x < d * d; ++x) s[x] = std::exp(-lam * static_cast<double>(t)) * s0[x];
        for (int64_t u = 0; u < t; ++u) {
            const double w = std::exp(-lam * static_cast<double>(t - 1 - u));
            for (int64_t a = 0; a < d; ++a)
                for (int64_t e = 0; e < d; ++e) s[a * d + e] += w * K(u, a) * V(u, e);
        }
        std::copy(s.begin(), s.end(), s0);
    }
}

// Causal GQA softmax attention with a cache of n_past earlier positions. q [T, H, d]; k, v [n_past+T, Hkv, d].
inline std::vector<double> attention(const std::vector<float>& q, const std::vector<float>& k, const std::vector<float>& v,
                                     int64_t t, int64_t h, int64_t hkv, int64_t d, int64_t n_past, double scale) {
    std::vector<double> out(static_cast<size_t>(t * h * d), 0.0);
    for (int64_t ti = 0; ti < t; ++ti)
        for (int64_t hh = 0; hh < h; ++hh) {
            const int64_t g = hh / (h / hkv), n = n_past + ti + 1;
            std::vector<double> p(static_cast<size_t>(n));
            double mx = -1e300;
            for (int64_t j = 0; j < n; ++j) {
                double s = 0;
                for (int64_t a = 0; a < d; ++a) s += static_cast<double>(q[(ti * h + hh) * d + a]) * k[(j * hkv + g) * d + a];
                p[j] = s * scale;
                mx = std::max(mx, p[j]);
            }
            double sum = 0;
            for (auto& x : p) sum += (x = std::exp(x - mx));
            for (int64_t j = 0; j < n; ++j)
                for (int64_t a = 0; a < d; ++a) out[(ti * h + hh) * d + a] += p[j] / sum * v[(j * hkv + g) * d + a];
        }
    return out;
}

// Case tables: shared by the CPU tests and the GPU tests.
struct MatmulCase { int64_t m, k, n; DType w; };
inline const std::vector<MatmulCase>& matmul_cases() {
    static const std::vector<MatmulCase> cases = {
        {1, 64, 96, DType::f32},  {1, 24, 7, DType::bf16},  {3, 130, 33, DType::bf16}, {4, 256, 64, DType::f16},
        {7, 96, 40, DType::bf16}, {9, 64, 100, DType::bf16}, {33, 200, 70, DType::bf16}, {64, 128, 256, DType::f32},
        {100, 96, 129, DType::f16}, {257, 64, 31, DType::bf16},
    };
    return cases;
}

struct LightningCase { int64_t t, h, d, block; bool initial_state; };
inline const std::vector<LightningCase>& lightning_cases() {
    static const std::vector<LightningCase> cases = {
        {1, 2, 8, 4, false}, {5, 3, 8, 4, true}, {17, 4, 16, 8, false}, {40, 2, 24, 16, true},
        {64, 4, 32, 64, true}, {100, 1, 16, 256, true}, {70, 8, 8, 7, false},
    };
    return cases;
}

struct AttentionCase { int64_t t, h, hkv, d, n_past; };
inline const std::vector<AttentionCase>& attention_cases() {
    static const std::vector<AttentionCase> cases = {
        {1, 4, 2, 8, 0}, {1, 4, 4, 16, 10}, {7, 4, 2, 24, 0}, {5, 8, 2, 32, 9}, {33, 2, 1, 16, 3},
    };
    return cases;
}

}  // namespace farsight::testref
