// CPU element-wise ops. sigmoid uses 1/(1+exp(-x)) in f32 like PyTorch's CPU kernel.
#include <cmath>

#include "ops/activations.h"

namespace farsight::cpu {
namespace {
constexpr int64_t kGrain = 1 << 14;
inline float sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }
}  // namespace

void silu_inplace(const OpContext& ctx, float* x, int64_t n) {
    ctx.parallel_for(n, [&](int64_t b, int64_t e, int) {
        for (int64_t i = b; i < e; ++i) x[i] = x[i] * sigmoid(x[i]);
    }, kGrain);
}

void sigmoid_gate(const OpContext& ctx, float* o, const float* g, int64_t n) {
    ctx.parallel_for(n, [&](int64_t b, int64_t e, int) {
        for (int64_t i = b; i < e; ++i) o[i] = sigmoid(g[i]) * o[i];
    }, kGrain);
}

void swiglu(const OpContext& ctx, const float* a, const float* b, float* y, int64_t n) {
    ctx.parallel_for(n, [&](int64_t s, int64_t e, int) {
        for (int64_t i = s; i < e; ++i) y[i] = a[i] * sigmoid(a[i]) * b[i];
    }, kGrain);
}

void scaled_residual(const OpContext& ctx, const float* h, float alpha, const float* f, float beta, float* y, int64_t n) {
    ctx.parallel_for(n, [&](int64_t s, int64_t e, int) {
        for (int64_t i = s; i < e; ++i) y[i] = alpha * h[i] + beta * f[i];
    }, kGrain);
}

}  // namespace farsight::cpu
