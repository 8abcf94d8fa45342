// CUDA matmul y[M, N] = x[M, K] · w[N, K]ᵀ. Decode-sized M (<= 8): a bandwidth-bound GEMV kernel
// that streams the weight once with 16-byte loads and keeps x in f32. Larger M: cuBLAS with bf16
// operands and f32 accumulation (x converted once), or, in fp32 precision, SGEMM with TF32 off.
#include "ops/cuda/cuda_common.cuh"

namespace farsight::cuda {
namespace {

constexpr int kGemvMaxRows = 8;
constexpr int kGemvWarps = 8;  // output rows per block (one warp each)

template <class W>
struct Vec;  // 16 bytes of weights
template <>
struct Vec<__nv_bfloat16> {
    static constexpr int n = 8;
    __device__ static void load(const __nv_bfloat16* p, float* out) {
        const uint4 u = __ldg(reinterpret_cast<const uint4*>(p));
        const __nv_bfloat162* h = reinterpret_cast<const __nv_bfloat162*>(&u);
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const float2 f = __bfloat1622float2(h[i]);
            out[2 * i] = f.x;
            out[2 * i + 1] = f.y;
        }
    }
};
template <>
struct Vec<float> {
    static constexpr int n = 4;
    __device__ static void load(const float* p, float* out) {
        const float4 f = __ldg(reinterpret_cast<const float4*>(p));
        out[0] = f.x; out[1] = f.y; out[2] = f.z; out[3] = f.w;
    }
};

__device__ __forceinline__ void store_out(float* y, int64_t i, float v) { y[i] = v; }
__device__ __forceinline__ void store_out(__nv_bfloat16* y, int64_t i, float v) { y[i] = __float2bfloat16(v); }

// One warp per weight row; lanes stride the row with 16-byte loads. Requires k % Vec::n == 0.
template <class W, class Y, int M>
__global__ void __launch_bounds__(kGemvWarps * 32) gemv_kernel(const float* __restrict__ x, const W* __restrict__ w,
                                                               Y* __restrict__ y, int64_t n, int64_t k) {
    constexpr int V = Vec<W>::n;
    const int lane = threadIdx.x & 31;
    const int64_t row = static_cast<int64_t>(blockIdx.x) * kGemvWarps + (threadIdx.x >> 5);
    if (row >= n) return;
    const W* wr = w + row * k;
    float acc[M];
#pragma unroll
    for (int m = 0; m < M; ++m) acc[m] = 0.0f;
    for (int64_t i = static_cast<int64_t>(lane) * V; i < k; i += 32 * V) {
        float wv[V];
        Vec<W>::load(wr + i, wv);
#pragma unroll
        for (int m = 0; m < M; ++m) {
            const float* xr = x + m * k + i;
#pragma unroll
            for (int j = 0; j < V; j += 4) {
                const float4 xv = __ldg(reinterpret_cast<const float4*>(xr + j));
                acc[m] += xv.x * wv[j] + xv.y * wv[j + 1] + xv.z * wv[j + 2] + xv.w * wv[j + 3];
            }
        }
    }
#pragma unroll
    for (int m = 0; m < M; ++m) {
        const float s = warp_sum(acc[m]);
        if (lane == 0) store_out(y, m * n + row, s);
    }
}

// Any k (no alignment assumption): scalar loads. Used for odd shapes (tiny test models).
template <class Y>
__global__ void gemv_scalar_kernel(const float* __restrict__ x, const void* __restrict__ w, DType wdt, Y* __restrict__ y,
                                   int64_t m, int64_t n, int64_t k) {
    const int lane = threadIdx.x & 31;
    const int64_t row = static_cast<int64_t>(blockIdx.x) * kGemvWarps + (threadIdx.x >> 5);
    if (row >= n) return;
    for (int64_t r = 0; r < m; ++r) {
        float acc = 0.0f;
        for (int64_t i = lane; i < k; i += 32) acc += x[r * k + i] * load_f(w, wdt, row * k + i);
        acc = warp_sum(acc);
        if (lane == 0) store_out(y, r * n + row, acc);
    }
}

template <class W, class Y>
void launch_gemv(const float* x, const W* w, Y* y, int64_t m, int64_t n, int64_t k, cudaStream_t s) {
    const unsigned blocks = static_cast<unsigned>((n + kGemvWarps - 1) / kGemvWarps);
    switch (m) {
        case 1: gemv_kernel<W, Y, 1><<<blocks, kGemvWarps * 32, 0, s>>>(x, w, y, n, k); break;
        case 2: gemv_kernel<W, Y, 2><<<blocks, kGemvWarps * 32, 0, s>>>(x, w, y, n, k); break;
        case 3: gemv_kernel<W, Y, 3><<<blocks, kGemvWarps * 32, 0, s>>>(x, w, y, n, k); break;
        case 4: gemv_kernel<W, Y, 4><<<blocks, kGemvWarps * 32, 0, s>>>(x, w, y, n, k); break;
        default: gemv_kernel<W, Y, 8><<<blocks, kGemvWarps * 32, 0, s>>>(x, w, y, n, k); break;
    }
}

__global__ void to_bf16_kernel(const float* __restrict__ x, __nv_bfloat16* __restrict__ y, int64_t n) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
        y[i] = __float2bfloat16(x[i]);
}

template <class Y>
Status gemv(const OpContext& ctx, const TensorView& x, const TensorView& w, Y* y) {
    const int64_t m = x.rows(), k = w.dim(1), n = w.dim(0);
    cudaStream_t s = stream_of(ctx);
    const bool aligned = (k % 8 == 0) && (reinterpret_cast<uintptr_t>(w.data) % 16 == 0) &&
                         (reinterpret_cast<uintptr_t>(x.data) % 16 == 0) && m <= kGemvMaxRows &&
                         (m <= 4 || m == 8);
    if (aligned && w.dtype == DType::bf16) launch_gemv(x.f32(), static_cast<const __nv_bfloat16*>(w.data), y, m, n, k, s);
    else if (aligned && w.dtype == DType::f32) launch_gemv(x.f32(), w.f32(), y, m, n, k, s);
    else
        gemv_scalar_kernel<<<static_cast<unsigned>((n + kGemvWarps - 1) / kGemvWarps), kGemvWarps * 32, 0, s>>>(
            x.f32(), w.data, w.dtype, y, m, n, k);
    FS_CUDA_LAUNCHED();
    return {};
}

cudaDataType_t cuda_type(DType t) {
    switch (t) {
        case DType::bf16: return CUDA_R_16BF;
        case DType::f16: return CUDA_R_16F;
        default: return CUDA_R_32F;
    }
}

}  // namespace

Status matmul(const OpContext& ctx, const TensorView& x, const TensorView& w, const TensorView& y) {
    const int64_t m = x.rows(), k = w.dim(1), n = w.dim(0);
    if (m == 0) return {};
    if (m <= kGemvMaxRows) {
        if (y.dtype == DType::bf16) return gemv(ctx, x, w, static_cast<__nv_bfloat16*>(y.data));
        return gemv(ctx, x, w, y.f32());
    }
    GpuContext& g = gctx(ctx);
    const float alpha = 1.0f, beta = 0.0f;
    // Row-major y = x·wᵀ is column-major yᵀ = w·xᵀ: A = w (k×n col-major, transposed), B = x (k×m).
    if (ctx.precision == Precision::fp32 || w.dtype == DType::f32) {
        if (w.dtype != DType::f32)
            return Status(ErrorCode::invalid_argument, "matmul (cuda, fp32): weights must be f32 (convert them at load)");
        FS_CUBLAS(cublasGemmEx(g.blas, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(m), static_cast<int>(k),
                               &alpha, w.data, CUDA_R_32F, static_cast<int>(k), x.data, CUDA_R_32F, static_cast<int>(k), &beta,
                               y.data, cuda_type(y.dtype), static_cast<int>(n), CUBLAS_COMPUTE_32F_PEDANTIC,
                               CUBLAS_GEMM_DEFAULT));
        return {};
    }
    FS_ASSIGN_OR_RETURN(void* xb, g.scratch(14, static_cast<size_t>(m * k) * 2));
    to_bf16_kernel<<<grid_for(m * k, 256), 256, 0, g.stream>>>(x.f32(), static_cast<__nv_bfloat16*>(xb), m * k);
    FS_CUDA_LAUNCHED();
    FS_CUBLAS(cublasGemmEx(g.blas, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(m), static_cast<int>(k), &alpha,
                           w.data, cuda_type(w.dtype), static_cast<int>(k), xb, CUDA_R_16BF, static_cast<int>(k), &beta, y.data,
                           cuda_type(y.dtype), static_cast<int>(n), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    return {};
}

}  // namespace farsight::cuda
