// CUDA kernels of the ViT layers other than GEMMs and attention: layer norm (f32 in, f32 or bf16
// out), patchify (im2col of the patch conv) and the token embeddings (+CLS, +positions).
// References: ops/cpu/layer_norm_cpu.cpp, ops/patch_embed.cpp.
#include "ops/cuda/cuda_common.cuh"
#include "ops/cuda/vit_cuda.h"

namespace farsight::cuda {
namespace {

template <class Y>
__device__ __forceinline__ void store(Y* y, int64_t i, float v) {
    if constexpr (sizeof(Y) == 2) y[i] = __float2bfloat16(v);
    else y[i] = v;
}

// One block per row; the row is kept in registers (kPer values per thread) for a two-pass
// mean/variance, falling back to re-reading global memory for rows longer than the block holds.
constexpr int kLnThreads = 256, kLnPer = 8;

template <class Y>
__global__ void __launch_bounds__(kLnThreads) layer_norm_rows(const float* __restrict__ x, const void* __restrict__ w,
                                                              const void* __restrict__ b, DType wdt, int64_t d, float eps,
                                                              Y* __restrict__ y) {
    const float* xr = x + blockIdx.x * d;
    float v[kLnPer];
    float s = 0.0f;
#pragma unroll
    for (int k = 0; k < kLnPer; ++k) {
        const int64_t i = threadIdx.x + int64_t(k) * kLnThreads;
        v[k] = i < d ? xr[i] : 0.0f;
        s += v[k];
    }
    for (int64_t i = threadIdx.x + int64_t(kLnPer) * kLnThreads; i < d; i += kLnThreads) s += xr[i];
    const float mean = block_sum(s) / static_cast<float>(d);
    float q = 0.0f;
#pragma unroll
    for (int k = 0; k < kLnPer; ++k) {
        const int64_t i = threadIdx.x + int64_t(k) * kLnThreads;
        if (i < d) q += (v[k] - mean) * (v[k] - mean);
    }
    for (int64_t i = threadIdx.x + int64_t(kLnPer) * kLnThreads; i < d; i += kLnThreads) q += (xr[i] - mean) * (xr[i] - mean);
    const float rstd = rsqrtf(block_sum(q) / static_cast<float>(d) + eps);
    Y* yr = y + blockIdx.x * d;
#pragma unroll
    for (int k = 0; k < kLnPer; ++k) {
        const int64_t i = threadIdx.x + int64_t(k) * kLnThreads;
        if (i < d) store(yr, i, (v[k] - mean) * rstd * load_f(w, wdt, i) + load_f(b, wdt, i));
    }
    for (int64_t i = threadIdx.x + int64_t(kLnPer) * kLnThreads; i < d; i += kLnThreads)
        store(yr, i, (xr[i] - mean) * rstd * load_f(w, wdt, i) + load_f(b, wdt, i));
}

// Rows of d = 4 · kLnThreads · k (1024: k = 1): float4 loads held in registers, one read of x.
template <class Y, int kVec>
__global__ void __launch_bounds__(kLnThreads) layer_norm_rows_vec(const float* __restrict__ x, const float* __restrict__ w,
                                                                  const float* __restrict__ b, int64_t d, float eps,
                                                                  Y* __restrict__ y) {
    const float4* xr = reinterpret_cast<const float4*>(x + blockIdx.x * d);
    float4 v[kVec];
    float s = 0.0f;
#pragma unroll
    for (int k = 0; k < kVec; ++k) {
        v[k] = xr[threadIdx.x + k * kLnThreads];
        s += v[k].x + v[k].y + v[k].z + v[k].w;
    }
    const float mean = block_sum(s) / static_cast<float>(d);
    float q = 0.0f;
#pragma unroll
    for (int k = 0; k < kVec; ++k) {
        const float a = v[k].x - mean, bb = v[k].y - mean, c = v[k].z - mean, e = v[k].w - mean;
        q += a * a + bb * bb + c * c + e * e;
    }
    const float rstd = rsqrtf(block_sum(q) / static_cast<float>(d) + eps);
    Y* yr = y + blockIdx.x * d;
#pragma unroll
    for (int k = 0; k < kVec; ++k) {
        const int i = 4 * (threadIdx.x + k * kLnThreads);
        const float4 wv = *reinterpret_cast<const float4*>(w + i), bv = *reinterpret_cast<const float4*>(b + i);
        const float o0 = (v[k].x - mean) * rstd * wv.x + bv.x, o1 = (v[k].y - mean) * rstd * wv.y + bv.y;
        const float o2 = (v[k].z - mean) * rstd * wv.z + bv.z, o3 = (v[k].w - mean) * rstd * wv.w + bv.w;
        if constexpr (sizeof(Y) == 2) {
            __nv_bfloat162 p[2] = {__floats2bfloat162_rn(o0, o1), __floats2bfloat162_rn(o2, o3)};
            *reinterpret_cast<uint2*>(yr + i) = *reinterpret_cast<uint2*>(p);
        } else {
            *reinterpret_cast<float4*>(yr + i) = make_float4(o0, o1, o2, o3);
        }
    }
}

template <class Y>
__global__ void patchify_kernel(const float* __restrict__ px, int64_t c, int64_t s, int64_t p, Y* __restrict__ out, int64_t n) {
    const int64_t g = s / p, row = c * p * p;
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
        const int64_t e = i % row, w = i / row;  // element e of patch row w
        const int64_t bi = w / (g * g), pi = w % (g * g), py = pi / g, pxi = pi % g;
        const int64_t ch = e / (p * p), yy = (e / p) % p, xx = e % p;
        store(out, i, px[((bi * c + ch) * s + py * p + yy) * s + pxi * p + xx]);
    }
}

__global__ void embeddings_kernel(const float* __restrict__ p, const float* __restrict__ cls, const float* __restrict__ pos,
                                  int64_t n, int64_t t, int64_t e, float* __restrict__ x, int64_t total) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
        const int64_t k = i % e, ti = (i / e) % t, bi = i / (e * t);
        float v;
        if (cls) v = ti == 0 ? cls[k] : p[(bi * n + ti - 1) * e + k];
        else v = p[(bi * n + ti) * e + k];
        x[i] = v + pos[ti * e + k];
    }
}

}  // namespace

Status layer_norm(const OpContext& ctx, const TensorView& x, const TensorView& w, const TensorView& b, float eps,
                  const TensorView& y) {
    if (w.dtype != b.dtype) return Status(ErrorCode::invalid_argument, "layer_norm (cuda): weight and bias dtypes differ");
    const int64_t d = w.dim(0), rows = x.rows();
    if (rows == 0) return {};
    cudaStream_t s = stream_of(ctx);
    const bool aligned = reinterpret_cast<uintptr_t>(x.data) % 16 == 0 && reinterpret_cast<uintptr_t>(y.data) % 16 == 0 &&
                         reinterpret_cast<uintptr_t>(w.data) % 16 == 0 && reinterpret_cast<uintptr_t>(b.data) % 16 == 0;
    if (aligned && w.dtype == DType::f32 && (d == 4 * kLnThreads || d == 8 * kLnThreads) &&
        (y.dtype == DType::bf16 || y.dtype == DType::f32)) {
        const unsigned grid = static_cast<unsigned>(rows);
        if (y.dtype == DType::bf16) {
            if (d == 4 * kLnThreads)
                layer_norm_rows_vec<__nv_bfloat16, 1><<<grid, kLnThreads, 0, s>>>(x.f32(), w.f32(), b.f32(), d, eps,
                                                                                 static_cast<__nv_bfloat16*>(y.data));
            else
                layer_norm_rows_vec<__nv_bfloat16, 2><<<grid, kLnThreads, 0, s>>>(x.f32(), w.f32(), b.f32(), d, eps,
                                                                                 static_cast<__nv_bfloat16*>(y.data));
        } else {
            if (d == 4 * kLnThreads)
                layer_norm_rows_vec<float, 1><<<grid, kLnThreads, 0, s>>>(x.f32(), w.f32(), b.f32(), d, eps, y.f32());
            else
                layer_norm_rows_vec<float, 2><<<grid, kLnThreads, 0, s>>>(x.f32(), w.f32(), b.f32(), d, eps, y.f32());
        }
        FS_CUDA_LAUNCHED();
        return {};
    }
    if (y.dtype == DType::bf16)
        layer_norm_rows<<<static_cast<unsigned>(rows), kLnThreads, 0, s>>>(x.f32(), w.data, b.data, w.dtype, d, eps,
                                                                           static_cast<__nv_bfloat16*>(y.data));
    else if (y.dtype == DType::f32)
        layer_norm_rows<<<static_cast<unsigned>(rows), kLnThreads, 0, s>>>(x.f32(), w.data, b.data, w.dtype, d, eps, y.f32());
    else
        return Status(ErrorCode::invalid_argument, "layer_norm (cuda): y must be f32 or bf16");
    FS_CUDA_LAUNCHED();
    return {};
}

Status patchify(const OpContext& ctx, const TensorView& pixels, int64_t patch, const TensorView& patches) {
    const int64_t n = patches.numel();
    cudaStream_t s = stream_of(ctx);
    if (patches.dtype == DType::bf16)
        patchify_kernel<<<grid_for(n, 256), 256, 0, s>>>(pixels.f32(), pixels.dim(1), pixels.dim(2), patch,
                                                          static_cast<__nv_bfloat16*>(patches.data), n);
    else if (patches.dtype == DType::f32)
        patchify_kernel<<<grid_for(n, 256), 256, 0, s>>>(pixels.f32(), pixels.dim(1), pixels.dim(2), patch, patches.f32(), n);
    else
        return Status(ErrorCode::invalid_argument, "patchify (cuda): patches must be f32 or bf16");
    FS_CUDA_LAUNCHED();
    return {};
}

Status vit_embeddings(const OpContext& ctx, const TensorView& p, const TensorView& cls, const TensorView& pos,
                      const TensorView& x) {
    const int64_t total = x.numel(), e = p.dim(2), n = p.dim(1), t = n + (cls.empty() ? 0 : 1);
    embeddings_kernel<<<grid_for(total, 256), 256, 0, stream_of(ctx)>>>(p.f32(), cls.empty() ? nullptr : cls.f32(), pos.f32(),
                                                                        n, t, e, x.f32(), total);
    FS_CUDA_LAUNCHED();
    return {};
}

}  // namespace farsight::cuda
