// float64 references and case tables of the vision ops (layer_norm, linear, attention_full,
// patchify), shared by the CPU test and the GPU test (test_vision_ops.cpp).
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "ops/linear.h"

namespace farsight::vref {

inline std::vector<float> random_vec(size_t n, uint32_t seed, float scale = 1.0f) {
    std::mt19937 g(seed);
    std::normal_distribution<float> d(0.0f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = d(g);
    return v;
}

inline std::vector<double> layer_norm(const std::vector<float>& x, int64_t m, int64_t d, const std::vector<float>& w,
                                      const std::vector<float>& b, double eps) {
    std::vector<double> y(x.size());
    for (int64_t r = 0; r < m; ++r) {
        double mean = 0, var = 0;
        for (int64_t i = 0; i < d; ++i) mean += x[r * d + i];
        mean /= d;
        for (int64_t i = 0; i < d; ++i) var += (x[r * d + i] - mean) * (x[r * d + i] - mean);
        const double rstd = 1.0 / std::sqrt(var / d + eps);
        for (int64_t i = 0; i < d; ++i) y[r * d + i] = (x[r * d + i] - mean) * rstd * w[i] + b[i];
    }
    return y;
}

inline double activate(Activation a, double v) {
    switch (a) {
        case Activation::none: return v;
        case Activation::gelu_erf: return 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0)));
        case Activation::gelu_tanh: return 0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v)));
        case Activation::quick_gelu: return v / (1.0 + std::exp(-1.702 * v));
    }
    return v;
}

inline std::vector<double> linear(const std::vector<float>& x, const std::vector<float>& w, const std::vector<float>& b,
                                  Activation act, const std::vector<float>& r, int64_t m, int64_t k, int64_t n) {
    std::vector<double> y(static_cast<size_t>(m * n));
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
            double s = b.empty() ? 0.0 : b[j];
            for (int64_t a = 0; a < k; ++a) s += static_cast<double>(x[i * k + a]) * w[j * k + a];
            s = activate(act, s);
            y[i * n + j] = r.empty() ? s : s + r[i * n + j];
        }
    return y;
}

inline std::vector<double> attention_full(const std::vector<float>& qkv, int64_t batch, int64_t t, int64_t h, int64_t d,
                                          double scale) {
    std::vector<double> out(static_cast<size_t>(batch * t * h * d));
    const int64_t ld = 3 * h * d;
    std::vector<double> p(static_cast<size_t>(t));
    for (int64_t bi = 0; bi < batch; ++bi)
        for (int64_t hh = 0; hh < h; ++hh)
            for (int64_t i = 0; i < t; ++i) {
                const float* q = &qkv[(bi * t + i) * ld + hh * d];
                double mx = -1e300, sum = 0;
                for (int64_t j = 0; j < t; ++j) {
                    const float* k = &qkv[(bi * t + j) * ld + h * d + hh * d];
                    double s = 0;
                    for (int64_t a = 0; a < d; ++a) s += static_cast<double>(q[a]) * k[a];
                    p[j] = s * scale;
                    mx = std::max(mx, p[j]);
                }
                for (int64_t j = 0; j < t; ++j) sum += (p[j] = std::exp(p[j] - mx));
                for (int64_t a = 0; a < d; ++a) {
                    double acc = 0;
                    for (int64_t j = 0; j < t; ++j) acc += p[j] * qkv[(bi * t + j) * ld + 2 * h * d + hh * d + a];
                    out[((bi * t + i) * h + hh) * d + a] = acc / sum;
                }
            }
    return out;
}

struct LinearCase {
    int64_t m, k, n;
    Activation act;
    bool bias, residual;
};
inline std::vector<LinearCase> linear_cases() {
    return {{1, 16, 8, Activation::none, false, false},      {7, 64, 48, Activation::gelu_erf, true, false},
            {33, 96, 80, Activation::gelu_tanh, true, false}, {20, 40, 24, Activation::quick_gelu, true, false},
            {65, 128, 64, Activation::none, true, true},      {130, 64, 192, Activation::gelu_erf, true, false},
            {9, 24, 40, Activation::none, false, true}};
}

struct AttentionCase {
    int64_t batch, t, heads, d;
};
inline std::vector<AttentionCase> attention_cases() {
    return {{1, 1, 1, 8}, {1, 5, 2, 8}, {2, 50, 4, 16}, {1, 97, 3, 64}, {2, 130, 2, 64}, {1, 577, 2, 64}};
}

struct NormCase {
    int64_t m, d;
    double eps;
};
inline std::vector<NormCase> norm_cases() { return {{1, 16, 1e-5}, {7, 1024, 1e-5}, {5, 33, 1e-6}, {64, 96, 1e-5}}; }

}  // namespace farsight::vref
