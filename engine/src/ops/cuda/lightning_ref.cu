// CUDA lightning attention, exact-f32 kernels: the literal recurrence (decode, and prefill in fp32
// precision or for head sizes the fast kernel does not cover). One block per head, one thread per
// value column; the column of the state lives in registers.
//   S_t = e^{-λ} S_{t-1} + k_tᵀ v_t,  o_t = q_t S_t   (spec §2.3, inclusive convention)
#include <vector>

#include "ops/cuda/attention_cuda.h"
#include "ops/cuda/cuda_common.cuh"
#include "ops/cuda/lightning_cuda.h"

namespace farsight::cuda {
namespace {

struct Decay {
    float lambda[kMaxLightningHeads];
    int period;  // head h uses lambda[h % period] (a batch of sequences stacked as heads)
};

// Two threads per value column e (a lane pair), each holding half of the column's key rows in
// registers; their partial outputs are summed with one shuffle.
template <int DMAX, class In>
__global__ void __launch_bounds__(2 * DMAX) recurrence_kernel(const In* __restrict__ qkv, int64_t t, int n_head, int d,
                                                              float* __restrict__ state, Decay decay, bool silu,
                                                              float* __restrict__ out) {
    constexpr int HALF = DMAX / 2;
    __shared__ float q_s[DMAX], k_s[DMAX], v_s[DMAX];
    const int h = blockIdx.x, e = threadIdx.x >> 1, part = threadIdx.x & 1, a0 = part * HALF;
    float* s = state + static_cast<int64_t>(h) * d * d;
    float col[HALF];
#pragma unroll
    for (int j = 0; j < HALF; ++j) col[j] = (a0 + j < d && e < d) ? s[(a0 + j) * d + e] : 0.0f;
    const float r = expf(-decay.lambda[h % decay.period]);
    const int64_t row = static_cast<int64_t>(n_head) * 3 * d;
    for (int64_t ti = 0; ti < t; ++ti) {
        const In* base = qkv + ti * row + static_cast<int64_t>(h) * 3 * d;
        for (int i = threadIdx.x; i < 3 * d; i += blockDim.x) {
            float x = to_float(base[i]);
            if (silu) x = x / (1.0f + expf(-x));
            (i < d ? q_s[i] : (i < 2 * d ? k_s[i - d] : v_s[i - 2 * d])) = x;
        }
        __syncthreads();
        const float v = e < d ? v_s[e] : 0.0f;
        float o = 0.0f;
#pragma unroll
        for (int j = 0; j < HALF; ++j) {
            const int a = a0 + j;
            if (a < d) {
                col[j] = r * col[j] + k_s[a] * v;
                o += q_s[a] * col[j];
            }
        }
        o += __shfl_xor_sync(0xffffffffu, o, 1);
        if (e < d && part == 0) out[ti * n_head * d + static_cast<int64_t>(h) * d + e] = o;
        __syncthreads();
    }
#pragma unroll
    for (int j = 0; j < HALF; ++j)
        if (a0 + j < d && e < d) s[(a0 + j) * d + e] = col[j];
}


// Decode for head_dim 128 (one token, f32 state): 256 threads per head, each owning 4 adjacent value
// columns × 16 key rows of the state, read and written with 16-byte accesses (a warp covers two
// whole 512-byte rows). Partial outputs of the 8 row groups are summed through shared memory.
template <class In>
__global__ void __launch_bounds__(256) decode128_kernel(const In* __restrict__ qkv, int n_head, float* __restrict__ state,
                                                        Decay decay, bool silu, float* __restrict__ out) {
    constexpr int D = 128, ROWS = 16;
    __shared__ float q_s[D], k_s[D], v_s[D];
    __shared__ float4 part[8][D / 4];
    const int h = blockIdx.x, tid = threadIdx.x;
    const int cg = tid & 31, rg = tid >> 5;  // column group (4 columns), row group (16 rows)
    const In* base = qkv + static_cast<int64_t>(h) * 3 * D;
    for (int i = tid; i < 3 * D; i += 256) {
        float x = to_float(base[i]);
        if (silu) x = x / (1.0f + expf(-x));
        (i < D ? q_s[i] : (i < 2 * D ? k_s[i - D] : v_s[i - 2 * D])) = x;
    }
    float4* s = reinterpret_cast<float4*>(state + static_cast<int64_t>(h) * D * D);
    float4 rows[ROWS];
#pragma unroll
    for (int j = 0; j < ROWS; ++j) rows[j] = s[(rg * ROWS + j) * (D / 4) + cg];
    __syncthreads();
    const float r = expf(-decay.lambda[h % decay.period]);
    const float4 v = reinterpret_cast<const float4*>(v_s)[cg];
    float4 o = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
#pragma unroll
    for (int j = 0; j < ROWS; ++j) {
        const int a = rg * ROWS + j;
        const float ka = k_s[a], qa = q_s[a];
        float4 x = rows[j];
        x.x = r * x.x + ka * v.x;
        x.y = r * x.y + ka * v.y;
        x.z = r * x.z + ka * v.z;
        x.w = r * x.w + ka * v.w;
        s[a * (D / 4) + cg] = x;
        o.x += qa * x.x;
        o.y += qa * x.y;
        o.z += qa * x.z;
        o.w += qa * x.w;
    }
    part[rg][cg] = o;
    __syncthreads();
    if (rg == 0) {
        float4 acc = part[0][cg];
#pragma unroll
        for (int g = 1; g < 8; ++g) {
            acc.x += part[g][cg].x;
            acc.y += part[g][cg].y;
            acc.z += part[g][cg].z;
            acc.w += part[g][cg].w;
        }
        reinterpret_cast<float4*>(out + static_cast<int64_t>(h) * D)[cg] = acc;
    }
}

template <class In>
Status launch_recurrence(const OpContext& ctx, const void* qkv, int64_t t, int64_t n_head, int64_t d, float* state,
                         std::span<const float> lambda, bool silu, float* out) {
    const int64_t period = static_cast<int64_t>(lambda.size());
    if (period > kMaxLightningHeads) return Status(ErrorCode::unsupported, "lightning (cuda): more than 256 heads");
    if (period == 0 || n_head % period != 0) return Status(ErrorCode::invalid_argument, "lightning (cuda): heads must repeat the decay table");
    Decay dec{};
    dec.period = static_cast<int>(period);
    for (int64_t i = 0; i < period; ++i) dec.lambda[i] = lambda[static_cast<size_t>(i)];
    const auto* in = static_cast<const In*>(qkv);
    cudaStream_t s = stream_of(ctx);
    const unsigned blocks = static_cast<unsigned>(n_head);
    if (d == 128 && t == 1 && n_head <= 0x7fffffff) {  // decode: the coalesced kernel
        decode128_kernel<In><<<blocks, 256, 0, s>>>(in, int(n_head), state, dec, silu, out);
        FS_CUDA_LAUNCHED();
        return {};
    }
    if (d <= 32) recurrence_kernel<32, In><<<blocks, 64, 0, s>>>(in, t, int(n_head), int(d), state, dec, silu, out);
    else if (d <= 64) recurrence_kernel<64, In><<<blocks, 128, 0, s>>>(in, t, int(n_head), int(d), state, dec, silu, out);
    else if (d <= 128) recurrence_kernel<128, In><<<blocks, 256, 0, s>>>(in, t, int(n_head), int(d), state, dec, silu, out);
    else return Status(ErrorCode::unsupported, "lightning (cuda): head_dim > 128");
    FS_CUDA_LAUNCHED();
    return {};
}

}  // namespace

Status lightning_recurrence(const OpContext& ctx, const TensorView& qkv, const TensorView& state, std::span<const float> lambda,
                            bool silu, const TensorView& out) {
    if (out.dtype != DType::f32) return Status(ErrorCode::unsupported, "lightning recurrence (cuda): f32 output only");
    const int64_t t = qkv.dim(0), h = qkv.dim(1), d = qkv.dim(2) / 3;
    if (qkv.dtype == DType::bf16)
        return launch_recurrence<__nv_bfloat16>(ctx, qkv.data, t, h, d, state.f32(), lambda, silu, out.f32());
    return launch_recurrence<float>(ctx, qkv.data, t, h, d, state.f32(), lambda, silu, out.f32());
}

Status lightning_decode(const OpContext& ctx, const TensorView& qkv, const TensorView& state, std::span<const float> lambda,
                        const TensorView& out, bool silu) {
    return lightning_recurrence(ctx, qkv, state, lambda, silu, out);
}

Status lightning_prefill(const OpContext& ctx, const TensorView& qkv, const TensorView& state, std::span<const float> lambda,
                         const TensorView& out, bool silu) {
    const int64_t d = qkv.dim(2) / 3;
    if (ctx.precision == Precision::bf16 && d == 128 && qkv.dtype == DType::bf16 && accumulator_layout_verified(ctx))
        return lightning_chunked_bf16(ctx, qkv, state, lambda, silu, out);
    return lightning_recurrence(ctx, qkv, state, lambda, silu, out);
}

}  // namespace farsight::cuda
