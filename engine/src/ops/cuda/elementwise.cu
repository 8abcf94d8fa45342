// CUDA element-wise ops (f32 activations): RMSNorm, SiLU, sigmoid gate, SwiGLU, scaled residual,
// RoPE (NeoX, partial), embedding gather, KV-cache store. References: ops/cpu/*.
#include <cmath>
#include <vector>

#include "ops/cuda/cuda_common.cuh"

namespace farsight::cuda {
namespace {

__global__ void rms_norm_rows(const float* __restrict__ x, const void* __restrict__ w, DType wdt, int64_t d, float eps,
                              float* __restrict__ y) {
    const int64_t row = blockIdx.x;
    const float* xr = x + row * d;
    float ss = 0.0f;
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x) ss += xr[i] * xr[i];
    ss = block_sum(ss);
    const float inv = rsqrtf(ss / static_cast<float>(d) + eps);
    float* yr = y + row * d;
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x) yr[i] = load_f(w, wdt, i) * (xr[i] * inv);
}

__device__ __forceinline__ float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

__global__ void silu_kernel(float* x, int64_t n) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
        x[i] = x[i] * sigmoidf(x[i]);
}
__global__ void gate_kernel(float* o, const float* g, int64_t n) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
        o[i] = sigmoidf(g[i]) * o[i];
}
__global__ void swiglu_kernel(const float* a, const float* b, float* y, int64_t n) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
        y[i] = a[i] * sigmoidf(a[i]) * b[i];
}
__global__ void residual_kernel(const float* h, float alpha, const float* f, float beta, float* y, int64_t n) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
        y[i] = alpha * h[i] + beta * f[i];
}

struct RopeFreqs {
    float inv_freq[256];
};

__global__ void rope_kernel(float* x, int64_t t, int64_t n_head, int64_t d, int64_t pos0, int64_t half, RopeFreqs fr) {
    const int64_t total = t * n_head * half;
    for (int64_t w = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; w < total; w += int64_t(gridDim.x) * blockDim.x) {
        const int64_t i = w % half, th = w / half, ti = th / n_head;
        const float ang = static_cast<float>(pos0 + ti) * fr.inv_freq[i];
        float s, c;
        sincosf(ang, &s, &c);
        float* v = x + th * d;
        const float a = v[i], b = v[i + half];
        v[i] = a * c - b * s;
        v[i + half] = b * c + a * s;
    }
}

__global__ void embedding_kernel(const void* table, DType dt, int64_t d, const int32_t* ids, int64_t t, float* out) {
    const int64_t total = t * d;
    for (int64_t w = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; w < total; w += int64_t(gridDim.x) * blockDim.x) {
        const int64_t r = w / d, c = w % d;
        out[w] = load_f(table, dt, static_cast<int64_t>(ids[r]) * d + c);
    }
}

template <class T>
__global__ void kv_store_kernel(const float* src, T* dst, int64_t n) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
        if constexpr (sizeof(T) == 2) dst[i] = __float2bfloat16(src[i]);
        else dst[i] = src[i];
    }
}

constexpr int kThreads = 256;

__device__ __forceinline__ uint32_t hash32(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return static_cast<uint32_t>(x);
}

// Sum of four uniforms in (-1, 1): variance 4/3, close enough to a normal for weights.
template <class T>
__global__ void fill_random_kernel(T* p, int64_t n, uint64_t seed, float mean, float scale) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
        float s = 0.0f;
#pragma unroll
        for (int k = 0; k < 4; ++k) s += static_cast<float>(static_cast<int32_t>(hash32(seed * 0x9E3779B97F4A7C15ull + 4 * i + k))) * (1.0f / 2147483648.0f);
        const float v = mean + s * scale;
        if constexpr (sizeof(T) == 2) p[i] = __float2bfloat16(v);
        else p[i] = v;
    }
}

}  // namespace

Status fill_random(const OpContext& ctx, const TensorView& t, uint64_t seed, float mean, float stddev) {
    const float scale = stddev * 0.8660254f;  // 1 / sqrt(4/3)
    if (t.dtype == DType::bf16)
        fill_random_kernel<<<grid_for(t.numel(), kThreads), kThreads, 0, stream_of(ctx)>>>(static_cast<__nv_bfloat16*>(t.data), t.numel(), seed, mean, scale);
    else if (t.dtype == DType::f32)
        fill_random_kernel<<<grid_for(t.numel(), kThreads), kThreads, 0, stream_of(ctx)>>>(t.f32(), t.numel(), seed, mean, scale);
    else
        return Status(ErrorCode::unsupported, "fill_random: f32 or bf16 only");
    FS_CUDA_LAUNCHED();
    return {};
}

Status rms_norm(const OpContext& ctx, const TensorView& x, const TensorView& w, float eps, const TensorView& y) {
    const int64_t d = w.dim(0), rows = x.rows();
    if (rows == 0) return {};
    const int threads = d >= 4096 ? 1024 : (d >= 1024 ? 512 : 128);
    rms_norm_rows<<<static_cast<unsigned>(rows), threads, 0, stream_of(ctx)>>>(x.f32(), w.data, w.dtype, d, eps, y.f32());
    FS_CUDA_LAUNCHED();
    return {};
}

Status silu_inplace(const OpContext& ctx, const TensorView& x) {
    silu_kernel<<<grid_for(x.numel(), kThreads), kThreads, 0, stream_of(ctx)>>>(x.f32(), x.numel());
    FS_CUDA_LAUNCHED();
    return {};
}

Status sigmoid_gate(const OpContext& ctx, const TensorView& o, const TensorView& g) {
    gate_kernel<<<grid_for(o.numel(), kThreads), kThreads, 0, stream_of(ctx)>>>(o.f32(), g.f32(), o.numel());
    FS_CUDA_LAUNCHED();
    return {};
}

Status swiglu(const OpContext& ctx, const TensorView& a, const TensorView& b, const TensorView& y) {
    swiglu_kernel<<<grid_for(a.numel(), kThreads), kThreads, 0, stream_of(ctx)>>>(a.f32(), b.f32(), y.f32(), a.numel());
    FS_CUDA_LAUNCHED();
    return {};
}

Status scaled_residual(const OpContext& ctx, const TensorView& h, float alpha, const TensorView& f, float beta,
                       const TensorView& y) {
    residual_kernel<<<grid_for(h.numel(), kThreads), kThreads, 0, stream_of(ctx)>>>(h.f32(), alpha, f.f32(), beta, y.f32(),
                                                                                  h.numel());
    FS_CUDA_LAUNCHED();
    return {};
}

Status rope_neox(const OpContext& ctx, const TensorView& x, int64_t pos0, int64_t rotary_dim, double theta) {
    const int64_t half = rotary_dim / 2;
    if (half == 0) return {};
    if (half > 256) return Status(ErrorCode::unsupported, "rope_neox (cuda): rotary_dim > 512");
    RopeFreqs fr{};
    const float base = static_cast<float>(theta);
    for (int64_t i = 0; i < half; ++i) fr.inv_freq[i] = 1.0f / std::pow(base, static_cast<float>(2 * i) / static_cast<float>(rotary_dim));
    const int64_t total = x.dim(0) * x.dim(1) * half;
    rope_kernel<<<grid_for(total, kThreads), kThreads, 0, stream_of(ctx)>>>(x.f32(), x.dim(0), x.dim(1), x.dim(2), pos0, half, fr);
    FS_CUDA_LAUNCHED();
    return {};
}

Status embedding(const OpContext& ctx, const TensorView& table, std::span<const int32_t> ids, const TensorView& out) {
    GpuContext& g = gctx(ctx);
    FS_ASSIGN_OR_RETURN(void* d_ids, g.scratch(15, ids.size() * sizeof(int32_t)));
    FS_CUDA(cudaMemcpyAsync(d_ids, ids.data(), ids.size() * sizeof(int32_t), cudaMemcpyHostToDevice, g.stream));
    const int64_t t = static_cast<int64_t>(ids.size()), d = table.dim(1);
    embedding_kernel<<<grid_for(t * d, kThreads), kThreads, 0, g.stream>>>(table.data, table.dtype, d,
                                                                           static_cast<const int32_t*>(d_ids), t, out.f32());
    FS_CUDA_LAUNCHED();
    return {};
}

Status kv_store(const OpContext& ctx, const TensorView& src, const TensorView& cache, int64_t pos0) {
    const int64_t row = cache.numel() / cache.dim(0), n = src.numel();
    if (cache.dtype == DType::bf16) {
        auto* dst = static_cast<__nv_bfloat16*>(cache.data) + pos0 * row;
        kv_store_kernel<<<grid_for(n, kThreads), kThreads, 0, stream_of(ctx)>>>(src.f32(), dst, n);
    } else {
        auto* dst = static_cast<float*>(cache.data) + pos0 * row;
        kv_store_kernel<<<grid_for(n, kThreads), kThreads, 0, stream_of(ctx)>>>(src.f32(), dst, n);
    }
    FS_CUDA_LAUNCHED();
    return {};
}

}  // namespace farsight::cuda
