// CUDA linear (y = act(x·wᵀ + b) [+ r]) on cuBLASLt: bf16 operands with f32 accumulation
// (Precision::bf16) or f32 without TF32 (Precision::fp32); the bias (and the tanh GELU) ride in the
// GEMM epilogue, the residual as C with beta = 1; exact-erf GELU and quick GELU, which cuBLASLt has
// no epilogue for, follow as one element-wise pass. Algorithms are looked up once per shape.
#include <map>
#include <mutex>
#include <tuple>

#include "ops/cuda/cuda_common.cuh"
#include "ops/cuda/vit_cuda.h"

namespace farsight::cuda {
namespace {

cudaDataType_t cuda_type(DType t) { return t == DType::bf16 ? CUDA_R_16BF : t == DType::f16 ? CUDA_R_16F : CUDA_R_32F; }

__device__ __forceinline__ float act_f(Activation a, float v) {
    switch (a) {
        case Activation::gelu_erf: return 0.5f * v * (1.0f + erff(v * 0.70710678118654752f));
        case Activation::gelu_tanh: return 0.5f * v * (1.0f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
        case Activation::quick_gelu: return v / (1.0f + __expf(-1.702f * v));
        default: return v;
    }
}

template <class Y>
__global__ void bias_act_kernel(Y* __restrict__ y, const Y* __restrict__ b, Activation act, const float* __restrict__ r,
                                int64_t n_cols, int64_t total) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
        float v;
        if constexpr (sizeof(Y) == 2) v = __bfloat162float(y[i]);
        else v = y[i];
        if (b) {
            if constexpr (sizeof(Y) == 2) v += __bfloat162float(b[i % n_cols]);
            else v += b[i % n_cols];
        }
        v = act_f(act, v);
        if (r) v += r[i];
        if constexpr (sizeof(Y) == 2) y[i] = __float2bfloat16(v);
        else y[i] = v;
    }
}

// In-place activation of bf16 values, 8 per thread per step (16-byte loads); the exact-GELU pass
// after the fc1 GEMM, which is memory-bound: one read and one write of the activations.
template <Activation A>
__global__ void act_bf16x8_kernel(uint4* __restrict__ y, int64_t n8) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n8; i += int64_t(gridDim.x) * blockDim.x) {
        uint4 u = y[i];
        __nv_bfloat162* h = reinterpret_cast<__nv_bfloat162*>(&u);
#pragma unroll
        for (int k = 0; k < 4; ++k) {
            const float2 f = __bfloat1622float2(h[k]);
            h[k] = __floats2bfloat162_rn(act_f(A, f.x), act_f(A, f.y));
        }
        y[i] = u;
    }
}

template <Activation A>
void launch_act_bf16x8(void* y, int64_t n, cudaStream_t s) {
    const int64_t n8 = n / 8;
    act_bf16x8_kernel<A><<<grid_for(n8, 256, 132 * 16), 256, 0, s>>>(static_cast<uint4*>(y), n8);
}

__global__ void f32_to_bf16(const float* __restrict__ x, __nv_bfloat16* __restrict__ y, int64_t n) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
        y[i] = __float2bfloat16(x[i]);
}

__global__ void convert_kernel(const void* __restrict__ x, DType xt, void* __restrict__ y, DType yt, int64_t n) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
        const float v = load_f(x, xt, i);
        if (yt == DType::bf16) static_cast<__nv_bfloat16*>(y)[i] = __float2bfloat16(v);
        else static_cast<float*>(y)[i] = v;
    }
}

// bias (when given) has y's dtype.
Status epilogue(const OpContext& ctx, const TensorView& y, const void* bias, Activation act, const float* r) {
    if (!bias && act == Activation::none && !r) return {};
    const int64_t total = y.numel(), n = y.dim(-1);
    cudaStream_t s = stream_of(ctx);
    if (!bias && !r && y.dtype == DType::bf16 && total % 8 == 0 && reinterpret_cast<uintptr_t>(y.data) % 16 == 0 &&
        (act == Activation::gelu_erf || act == Activation::quick_gelu)) {
        if (act == Activation::gelu_erf) launch_act_bf16x8<Activation::gelu_erf>(y.data, total, s);
        else launch_act_bf16x8<Activation::quick_gelu>(y.data, total, s);
        FS_CUDA_LAUNCHED();
        return {};
    }
    if (y.dtype == DType::bf16)
        bias_act_kernel<<<grid_for(total, 256), 256, 0, s>>>(static_cast<__nv_bfloat16*>(y.data),
                                                             static_cast<const __nv_bfloat16*>(bias), act, r, n, total);
    else
        bias_act_kernel<<<grid_for(total, 256), 256, 0, s>>>(y.f32(), static_cast<const float*>(bias), act, r, n, total);
    FS_CUDA_LAUNCHED();
    return {};
}

struct LtKey {
    int64_t m, n, k;
    int a, b, d, epi, beta;
    bool operator<(const LtKey& o) const {
        return std::tie(m, n, k, a, b, d, epi, beta) < std::tie(o.m, o.n, o.k, o.a, o.b, o.d, o.epi, o.beta);
    }
};

template <class T, class D>
struct LtHandle {
    T h = nullptr;
    ~LtHandle() {
        if (h) D()(h);
    }
};
struct DescFree { void operator()(cublasLtMatmulDesc_t d) const { cublasLtMatmulDescDestroy(d); } };
struct LayoutFree { void operator()(cublasLtMatrixLayout_t l) const { cublasLtMatrixLayoutDestroy(l); } };
struct PrefFree { void operator()(cublasLtMatmulPreference_t p) const { cublasLtMatmulPreferenceDestroy(p); } };

// Runs the Lt GEMM; false in *ran when no algorithm supports the combination (caller falls back).
Status lt_linear(const OpContext& ctx, const void* w, DType wt, const void* x, DType xt, const TensorView& y,
                 const void* bias, bool tanh_gelu, const float* r, int64_t m, int64_t n, int64_t k, bool* ran) {
    *ran = false;
    GpuContext& g = gctx(ctx);
    LtHandle<cublasLtMatmulDesc_t, DescFree> op;
    FS_CUBLAS(cublasLtMatmulDescCreate(&op.h, CUBLAS_COMPUTE_32F, CUDA_R_32F));
    const cublasOperation_t ta = CUBLAS_OP_T, tb = CUBLAS_OP_N;
    FS_CUBLAS(cublasLtMatmulDescSetAttribute(op.h, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta));
    FS_CUBLAS(cublasLtMatmulDescSetAttribute(op.h, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb));
    const cublasLtEpilogue_t epi = bias ? (tanh_gelu ? CUBLASLT_EPILOGUE_GELU_BIAS : CUBLASLT_EPILOGUE_BIAS)
                                        : (tanh_gelu ? CUBLASLT_EPILOGUE_GELU : CUBLASLT_EPILOGUE_DEFAULT);
    FS_CUBLAS(cublasLtMatmulDescSetAttribute(op.h, CUBLASLT_MATMUL_DESC_EPILOGUE, &epi, sizeof epi));
    if (bias) {
        const cudaDataType_t bt = cuda_type(y.dtype);
        FS_CUBLAS(cublasLtMatmulDescSetAttribute(op.h, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof bias));
        FS_CUBLAS(cublasLtMatmulDescSetAttribute(op.h, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &bt, sizeof bt));
    }
    // Row-major y[m, n] = x[m, k]·w[n, k]ᵀ is column-major yᵀ = (wᵀ)ᵀ·xᵀ: A = w (k × n, transposed).
    LtHandle<cublasLtMatrixLayout_t, LayoutFree> la, lb, lc;
    FS_CUBLAS(cublasLtMatrixLayoutCreate(&la.h, cuda_type(wt), static_cast<uint64_t>(k), static_cast<uint64_t>(n), k));
    FS_CUBLAS(cublasLtMatrixLayoutCreate(&lb.h, cuda_type(xt), static_cast<uint64_t>(k), static_cast<uint64_t>(m), k));
    FS_CUBLAS(cublasLtMatrixLayoutCreate(&lc.h, cuda_type(y.dtype), static_cast<uint64_t>(n), static_cast<uint64_t>(m), n));
    const LtKey key{m, n, k, int(wt), int(xt), int(y.dtype), int(epi), r ? 1 : 0};
    static std::mutex mu;
    static std::map<LtKey, std::pair<bool, cublasLtMatmulAlgo_t>> cache;
    std::pair<bool, cublasLtMatmulAlgo_t> algo{};
    {
        std::lock_guard<std::mutex> lock(mu);
        auto it = cache.find(key);
        if (it == cache.end()) {
            LtHandle<cublasLtMatmulPreference_t, PrefFree> pref;
            FS_CUBLAS(cublasLtMatmulPreferenceCreate(&pref.h));
            const uint64_t ws = g.lt_workspace ? g.lt_workspace_bytes : 0;
            FS_CUBLAS(cublasLtMatmulPreferenceSetAttribute(pref.h, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws));
            cublasLtMatmulHeuristicResult_t res{};
            int found = 0;
            const cublasStatus_t st = cublasLtMatmulAlgoGetHeuristic(g.lt, op.h, la.h, lb.h, lc.h, lc.h, pref.h, 1, &res, &found);
            it = cache.emplace(key, std::pair{st == CUBLAS_STATUS_SUCCESS && found > 0, res.algo}).first;
        }
        algo = it->second;
    }
    if (!algo.first) return {};
    const float alpha = 1.0f, beta = r ? 1.0f : 0.0f;
    FS_CUBLAS(cublasLtMatmul(g.lt, op.h, &alpha, w, la.h, x, lb.h, &beta, r ? static_cast<const void*>(r) : y.data, lc.h, y.data,
                             lc.h, &algo.second, g.lt_workspace, g.lt_workspace ? g.lt_workspace_bytes : 0, g.stream));
    *ran = true;
    return {};
}

}  // namespace

Status linear(const OpContext& ctx, const TensorView& x, const TensorView& w, const TensorView& b, Activation act,
              const TensorView& r, const TensorView& y) {
    const int64_t m = x.rows(), n = w.dim(0), k = w.dim(1);
    if (m == 0) return {};
    if (y.dtype != DType::f32 && y.dtype != DType::bf16) return Status(ErrorCode::invalid_argument, "linear (cuda): y f32 or bf16");
    const bool bf16 = ctx.precision == Precision::bf16;
    if (bf16 && w.dtype != DType::bf16)
        return Status(ErrorCode::invalid_argument, "linear (cuda, bf16): weights must be bf16 (move them with to_device)");
    if (!bf16 && (w.dtype != DType::f32 || x.dtype != DType::f32))
        return Status(ErrorCode::invalid_argument, "linear (cuda, fp32): x and weights must be f32");
    GpuContext& g = gctx(ctx);
    const void* xp = x.data;
    DType xt = x.dtype;
    if (bf16 && x.dtype == DType::f32) {  // e.g. the projector reading the tower's f32 features
        FS_ASSIGN_OR_RETURN(void* xb, g.scratch(2, static_cast<size_t>(m * k) * 2));
        f32_to_bf16<<<grid_for(m * k, 256), 256, 0, g.stream>>>(x.f32(), static_cast<__nv_bfloat16*>(xb), m * k);
        FS_CUDA_LAUNCHED();
        xp = xb;
        xt = DType::bf16;
    } else if (x.dtype != DType::f32 && x.dtype != DType::bf16) {
        return Status(ErrorCode::invalid_argument, "linear (cuda): x must be f32 or bf16");
    }
    // cuBLASLt's bias epilogue wants the bias in D's type (bf16 D with an f32 bias has no
    // algorithm); models keep biases f32 on the device, so they are converted here (n values).
    const void* bias = nullptr;
    if (!b.empty() && b.dtype == y.dtype) {
        bias = b.data;
    } else if (!b.empty()) {
        FS_ASSIGN_OR_RETURN(void* bc, g.scratch(1, static_cast<size_t>(n) * 4));
        convert_kernel<<<grid_for(n, 256), 256, 0, g.stream>>>(b.data, b.dtype, bc, y.dtype, n);
        FS_CUDA_LAUNCHED();
        bias = bc;
    }
    const float* res = r.empty() ? nullptr : r.f32();
    // A residual rides as C (C and D must share a type: f32) after a plain GEMM; residual after an
    // activation, or into bf16, goes through the fallback.
    const bool lt_ok = !res || (y.dtype == DType::f32 && act == Activation::none);
    const bool tanh_gelu = act == Activation::gelu_tanh;
    if (lt_ok) {
        bool ran = false;
        FS_RETURN_IF_ERROR(lt_linear(ctx, w.data, w.dtype, xp, xt, y, bias, tanh_gelu, res, m, n, k, &ran));
        if (ran) {
            if (act == Activation::none || tanh_gelu) return {};
            return epilogue(ctx, y, nullptr, act, nullptr);
        }
    }
    const float alpha = 1.0f, beta = 0.0f;
    FS_CUBLAS(cublasGemmEx(g.blas, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(m), static_cast<int>(k), &alpha,
                           w.data, cuda_type(w.dtype), static_cast<int>(k), xp, cuda_type(xt), static_cast<int>(k), &beta, y.data,
                           cuda_type(y.dtype), static_cast<int>(n), bf16 ? CUBLAS_COMPUTE_32F : CUBLAS_COMPUTE_32F_PEDANTIC,
                           CUBLAS_GEMM_DEFAULT));
    return epilogue(ctx, y, bias, act, res);
}

}  // namespace farsight::cuda
