// Tensor-core causal GQA attention for prefill (bf16 K/V cache, head_dim 128), flash-attention-2
// style: one CTA per (64 queries, head), 4 warps × 16 query rows, K/V tiles of 64 keys streamed
// through shared memory with cp.async double buffering, online softmax in registers (exp2 domain),
// output accumulators rescaled in registers. Registers are addressed through the m16n16k16 f32
// accumulator layout of sm_80+, which a probe kernel verifies once before the kernel is used.
#include <cuda_pipeline.h>
#include <mma.h>

#include <atomic>

#include "ops/cuda/attention_cuda.h"
#include "ops/cuda/cuda_common.cuh"

namespace farsight::cuda {
namespace {

using namespace nvcuda;
constexpr int D = 128, BQ = 64, BK = 64, WARPS = 4, THREADS = WARPS * 32;
// Shared-memory rows are padded by 16 bytes so fragment loads of consecutive rows hit different banks.
constexpr int DP = D + 8, BKP = BK + 8;

// Row and column of accumulator element i held by `lane` (the layout the probe checks).
__device__ __forceinline__ int acc_row(int lane, int i) { return (lane >> 2) + 8 * ((i >> 1) & 1); }
__device__ __forceinline__ int acc_col(int lane, int i) { return (lane & 3) * 2 + (i & 1) + 8 * (i >> 2); }

__global__ void probe_layout(int* ok) {
    __shared__ float m[16 * 16];
    for (int i = threadIdx.x; i < 256; i += 32) m[i] = static_cast<float>(i);
    __syncwarp();
    wmma::fragment<wmma::accumulator, 16, 16, 16, float> f;
    wmma::load_matrix_sync(f, m, 16, wmma::mem_row_major);
    bool good = f.num_elements == 8;
    for (int i = 0; i < f.num_elements && good; ++i) good = f.x[i] == static_cast<float>(acc_row(threadIdx.x, i) * 16 + acc_col(threadIdx.x, i));
    if (!good) atomicExch(ok, 0);
}

struct Smem {
    __nv_bfloat16 q[BQ * DP];
    __nv_bfloat16 k[2][BK * DP];
    __nv_bfloat16 v[2][BK * DP];
    __nv_bfloat16 p[WARPS][16 * BKP];
};

__device__ __forceinline__ void load_kv_tile(Smem& sm, int buf, const __nv_bfloat16* kc, const __nv_bfloat16* vc, int64_t key0,
                                             int64_t n_keys, int n_head_kv, int hk) {
    // 64 rows × 256 bytes per tensor = 1024 16-byte pieces each; 128 threads → 8 + 8 per thread.
    for (int idx = threadIdx.x; idx < BK * (D / 8); idx += THREADS) {
        const int r = idx / (D / 8), c = (idx % (D / 8)) * 8;
        const int64_t key = key0 + r;
        __nv_bfloat16* dk = &sm.k[buf][r * DP + c];
        __nv_bfloat16* dv = &sm.v[buf][r * DP + c];
        if (key < n_keys) {
            const int64_t off = (key * n_head_kv + hk) * D + c;
            __pipeline_memcpy_async(dk, kc + off, 16);
            __pipeline_memcpy_async(dv, vc + off, 16);
        } else {
            *reinterpret_cast<uint4*>(dk) = make_uint4(0, 0, 0, 0);
            *reinterpret_cast<uint4*>(dv) = make_uint4(0, 0, 0, 0);
        }
    }
    __pipeline_commit();
}

__global__ void __launch_bounds__(THREADS, 2)
    flash_kernel(const float* __restrict__ q, const __nv_bfloat16* __restrict__ kc, const __nv_bfloat16* __restrict__ vc,
                 int64_t t, int n_head, int n_head_kv, int64_t n_past, float scale_log2, float* __restrict__ out) {
    extern __shared__ __align__(128) unsigned char smem_raw[];
    Smem& sm = *reinterpret_cast<Smem*>(smem_raw);
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int h = blockIdx.y, hk = h / (n_head / n_head_kv);
    const int64_t q0 = static_cast<int64_t>(blockIdx.x) * BQ;
    const int64_t q_end = min(t, q0 + BQ);
    const int64_t n_keys = n_past + q_end;  // keys this block can see
    const int n_tiles = static_cast<int>((n_keys + BK - 1) / BK);

    load_kv_tile(sm, 0, kc, vc, 0, n_keys, n_head_kv, hk);
    // Q tile: f32 → bf16, pre-scaled by scale·log2(e) so the softmax can use exp2.
    for (int idx = threadIdx.x; idx < BQ * D; idx += THREADS) {
        const int r = idx / D, c = idx % D;
        const int64_t qi = q0 + r;
        const float v = qi < t ? q[(qi * n_head + h) * D + c] * scale_log2 : 0.0f;
        sm.q[r * DP + c] = __float2bfloat16(v);
    }
    __syncthreads();
    wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> qa[D / 16];
#pragma unroll
    for (int kk = 0; kk < D / 16; ++kk) wmma::load_matrix_sync(qa[kk], sm.q + warp * 16 * DP + kk * 16, DP);

    wmma::fragment<wmma::accumulator, 16, 16, 16, float> o[D / 16];
#pragma unroll
    for (int n = 0; n < D / 16; ++n) wmma::fill_fragment(o[n], 0.0f);
    float m_row[2] = {-INFINITY, -INFINITY}, l_row[2] = {0.0f, 0.0f};
    const int64_t qpos_base = n_past + q0 + warp * 16;

    for (int j = 0; j < n_tiles; ++j) {
        const int buf = j & 1;
        if (j + 1 < n_tiles) load_kv_tile(sm, buf ^ 1, kc, vc, static_cast<int64_t>(j + 1) * BK, n_keys, n_head_kv, hk);
        if (j + 1 < n_tiles) __pipeline_wait_prior(1);
        else __pipeline_wait_prior(0);
        __syncthreads();
        const int64_t key0 = static_cast<int64_t>(j) * BK;
        // A warp whose rows all precede this tile has nothing to do here (fully masked).
        const bool active = key0 <= qpos_base + 15;
        if (active) {
            wmma::fragment<wmma::accumulator, 16, 16, 16, float> s[BK / 16];
#pragma unroll
            for (int c = 0; c < BK / 16; ++c) {
                wmma::fill_fragment(s[c], 0.0f);
#pragma unroll
                for (int kk = 0; kk < D / 16; ++kk) {
                    wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::col_major> kb;
                    wmma::load_matrix_sync(kb, sm.k[buf] + c * 16 * DP + kk * 16, DP);
                    wmma::mma_sync(s[c], qa[kk], kb, s[c]);
                }
            }
            // Mask, row max (rows g and g+8 of the warp's 16), online-softmax update.
            float mx[2] = {-INFINITY, -INFINITY};
#pragma unroll
            for (int c = 0; c < BK / 16; ++c)
#pragma unroll
                for (int i = 0; i < 8; ++i) {
                    const int r = acc_row(lane, i);
                    const int64_t qpos = qpos_base + r, kpos = key0 + c * 16 + acc_col(lane, i);
                    if (kpos > qpos || kpos >= n_keys || qpos - n_past >= t) s[c].x[i] = -INFINITY;
                    mx[(i >> 1) & 1] = fmaxf(mx[(i >> 1) & 1], s[c].x[i]);
                }
            float alpha[2];
#pragma unroll
            for (int rr = 0; rr < 2; ++rr) {
                mx[rr] = fmaxf(mx[rr], __shfl_xor_sync(0xffffffffu, mx[rr], 1));
                mx[rr] = fmaxf(mx[rr], __shfl_xor_sync(0xffffffffu, mx[rr], 2));
                const float m_new = fmaxf(m_row[rr], mx[rr]);
                alpha[rr] = m_new == -INFINITY ? 1.0f : exp2f(m_row[rr] - m_new);
                m_row[rr] = m_new;
            }
            float sum[2] = {0.0f, 0.0f};
            __nv_bfloat16* pw = sm.p[warp];
#pragma unroll
            for (int c = 0; c < BK / 16; ++c)
#pragma unroll
                for (int i = 0; i < 8; ++i) {
                    const int rr = (i >> 1) & 1;
                    const float p = m_row[rr] == -INFINITY ? 0.0f : exp2f(s[c].x[i] - m_row[rr]);
                    const __nv_bfloat16 pb = __float2bfloat16(p);
                    sum[rr] += __bfloat162float(pb);  // normalise by what P·V actually uses
                    pw[acc_row(lane, i) * BKP + c * 16 + acc_col(lane, i)] = pb;
                }
#pragma unroll
            for (int rr = 0; rr < 2; ++rr) {
                sum[rr] += __shfl_xor_sync(0xffffffffu, sum[rr], 1);
                sum[rr] += __shfl_xor_sync(0xffffffffu, sum[rr], 2);
                l_row[rr] = l_row[rr] * alpha[rr] + sum[rr];
            }
#pragma unroll
            for (int n = 0; n < D / 16; ++n)
#pragma unroll
                for (int i = 0; i < 8; ++i) o[n].x[i] *= alpha[(i >> 1) & 1];
            __syncwarp();
#pragma unroll
            for (int kk = 0; kk < BK / 16; ++kk) {
                wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> pa;
                wmma::load_matrix_sync(pa, pw + kk * 16, BKP);
#pragma unroll
                for (int n = 0; n < D / 16; ++n) {
                    wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::row_major> vb;
                    wmma::load_matrix_sync(vb, sm.v[buf] + kk * 16 * DP + n * 16, DP);
                    wmma::mma_sync(o[n], pa, vb, o[n]);
                }
            }
        }
        __syncthreads();  // the next iteration's prefetch overwrites this buffer
    }
    const int64_t row_stride = static_cast<int64_t>(n_head) * D;
#pragma unroll
    for (int n = 0; n < D / 16; ++n)
#pragma unroll
        for (int i = 0; i < 8; ++i) {
            const int r = acc_row(lane, i), rr = (i >> 1) & 1;
            const int64_t qi = q0 + warp * 16 + r;
            if (qi < t) out[qi * row_stride + static_cast<int64_t>(h) * D + n * 16 + acc_col(lane, i)] = o[n].x[i] / l_row[rr];
        }
}

std::atomic<int> g_layout_ok{-1};

}  // namespace

bool accumulator_layout_verified(const OpContext& ctx) {
    int v = g_layout_ok.load();
    if (v >= 0) return v == 1;
    int* d_ok = nullptr;
    int ok = 1;
    if (cudaMalloc(&d_ok, sizeof(int)) != cudaSuccess) return false;
    cudaMemcpy(d_ok, &ok, sizeof(int), cudaMemcpyHostToDevice);
    probe_layout<<<1, 32, 0, stream_of(ctx)>>>(d_ok);
    cudaStreamSynchronize(stream_of(ctx));
    cudaMemcpy(&ok, d_ok, sizeof(int), cudaMemcpyDeviceToHost);
    cudaFree(d_ok);
    if (cudaGetLastError() != cudaSuccess) ok = 0;
    g_layout_ok.store(ok);
    return ok == 1;
}

Status flash_attention(const OpContext& ctx, const TensorView& q, const TensorView& k_cache, const TensorView& v_cache,
                       int64_t n_past, float scale, const TensorView& out) {
    const int64_t t = q.dim(0), n_head = q.dim(1), n_head_kv = k_cache.dim(1);
    const size_t smem = sizeof(Smem);
    FS_CUDA(cudaFuncSetAttribute(flash_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)));
    const dim3 grid(static_cast<unsigned>((t + BQ - 1) / BQ), static_cast<unsigned>(n_head));
    flash_kernel<<<grid, THREADS, smem, stream_of(ctx)>>>(q.f32(), static_cast<const __nv_bfloat16*>(k_cache.data),
                                                         static_cast<const __nv_bfloat16*>(v_cache.data), t, int(n_head),
                                                         int(n_head_kv), n_past, scale * 1.4426950408889634f, out.f32());
    FS_CUDA_LAUNCHED();
    return {};
}

}  // namespace farsight::cuda
