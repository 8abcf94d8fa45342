// CUDA bidirectional attention for ViT blocks (ops/attention_full.h; reference
// ops/cpu/attention_full_cpu.cpp). bf16, head_dim 64: a flash-attention-2 style kernel — 128 query
// rows per block (8 warps × 16), 64-key K/V tiles double-buffered in shared memory with cp.async,
// S = Q·Kᵀ and O += P·V on mma.sync m16n8k16 (bf16 in, f32 accumulate), online softmax in f32 with
// exp2. Other shapes and f32: a warp-per-query kernel with exact f32 softmax (validation path).
#include <cstdlib>

#include "ops/cuda/cuda_common.cuh"
#include "ops/cuda/vit_cuda.h"

namespace farsight::cuda {
namespace {

constexpr int kD = 64;          // head dim of the fast kernel
constexpr int kBM = 128;        // query rows per block
constexpr int kBN = 64;         // keys per tile
constexpr int kWarps = kBM / 16;
constexpr int kLd = kD + 8;     // padded smem row (bf16): 144 B, conflict-free fragment loads

__device__ __forceinline__ uint32_t pack_bf16(float lo, float hi) {
    __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
    return *reinterpret_cast<uint32_t*>(&v);
}

__device__ __forceinline__ void mma_16816(float* c, const uint32_t* a, uint32_t b0, uint32_t b1) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

__device__ __forceinline__ void cp_async16(void* smem, const void* gmem, bool valid) {
    const uint32_t s = static_cast<uint32_t>(__cvta_generic_to_shared(smem));
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(gmem), "r"(valid ? 16 : 0));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N>
__device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }

__device__ __forceinline__ void ldmatrix_x4(uint32_t* r, const void* smem) {
    const uint32_t s = static_cast<uint32_t>(__cvta_generic_to_shared(smem));
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(s));
}

__device__ __forceinline__ void ldmatrix_x4_trans(uint32_t* r, const void* smem) {
    const uint32_t s = static_cast<uint32_t>(__cvta_generic_to_shared(smem));
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(s));
}

// grid: (ceil(T / kBM), B·H); block: kWarps·32 threads.
template <int kMinBlocks>
__global__ void __launch_bounds__(kWarps * 32, kMinBlocks) flash_attention_bf16_d64(const __nv_bfloat16* __restrict__ qkv,
                                                                        __nv_bfloat16* __restrict__ out, int t, int n_head,
                                                                        float scale_log2) {
    __shared__ __align__(16) __nv_bfloat16 ks[2][kBN * kLd];
    __shared__ __align__(16) __nv_bfloat16 vs[2][kBN * kLd];
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, tq = lane & 3;
    const int bh = blockIdx.y, b = bh / n_head, h = bh % n_head;
    const int64_t ld = int64_t(3) * n_head * kD;
    const __nv_bfloat16* base = qkv + int64_t(b) * t * ld;
    const __nv_bfloat16* kbase = base + int64_t(n_head) * kD + h * kD;
    const __nv_bfloat16* vbase = base + int64_t(2) * n_head * kD + h * kD;

    // Q fragments of this warp's 16 rows (A operand, row-major), straight from global memory.
    const int r0 = blockIdx.x * kBM + warp * 16 + g, r1 = r0 + 8;
    uint32_t qa[kD / 16][4];
#pragma unroll
    for (int kk = 0; kk < kD / 16; ++kk) {
        const int c = kk * 16 + 2 * tq;
        auto ld32 = [&](int row, int col) -> uint32_t {
            return row < t ? *reinterpret_cast<const uint32_t*>(base + int64_t(row) * ld + h * kD + col) : 0u;
        };
        qa[kk][0] = ld32(r0, c);
        qa[kk][1] = ld32(r1, c);
        qa[kk][2] = ld32(r0, c + 8);
        qa[kk][3] = ld32(r1, c + 8);
    }

    auto load_tile = [&](int tile, int buf) {
        // 64 keys × 64 dims × 2 B = 512 chunks of 16 B per matrix; 256 threads → 2 each.
        for (int c = threadIdx.x; c < kBN * kD / 8; c += kWarps * 32) {
            const int row = c / (kD / 8), col = (c % (kD / 8)) * 8;
            const int key = tile * kBN + row;
            const bool ok = key < t;
            const int64_t off = int64_t(ok ? key : 0) * ld + col;
            cp_async16(&ks[buf][row * kLd + col], kbase + off, ok);
            cp_async16(&vs[buf][row * kLd + col], vbase + off, ok);
        }
    };

    float o[kD / 8][4];
#pragma unroll
    for (int i = 0; i < kD / 8; ++i) o[i][0] = o[i][1] = o[i][2] = o[i][3] = 0.0f;
    float m0 = -INFINITY, m1 = -INFINITY, l0 = 0.0f, l1 = 0.0f;
    const int n_tiles = (t + kBN - 1) / kBN;
    load_tile(0, 0);
    cp_async_commit();
    for (int it = 0; it < n_tiles; ++it) {
        const int buf = it & 1;
        if (it + 1 < n_tiles) load_tile(it + 1, buf ^ 1);
        cp_async_commit();
        cp_async_wait<1>();
        __syncthreads();

        // S = Q·Kᵀ for 16 rows × 64 keys: 8 n-tiles of 8 keys.
        float s[kBN / 8][4];
#pragma unroll
        for (int nt = 0; nt < kBN / 8; ++nt) {
            s[nt][0] = s[nt][1] = s[nt][2] = s[nt][3] = 0.0f;
            // Keys nt·8…+7 as the B operand: matrices (dims 0-7, 8-15, 16-23, 24-31) of those keys,
            // then 32-63; lane l addresses key nt·8 + (l & 7), dim block l >> 3.
#pragma unroll
            for (int kk = 0; kk < kD / 16; kk += 2) {
                uint32_t kb[4];
                ldmatrix_x4(kb, &ks[buf][(nt * 8 + (lane & 7)) * kLd + kk * 16 + (lane >> 3) * 8]);
                mma_16816(s[nt], qa[kk], kb[0], kb[1]);
                mma_16816(s[nt], qa[kk + 1], kb[2], kb[3]);
            }
        }
        // Online softmax (rows g and g+8 of the warp's slice; a row's 64 keys live on 4 lanes).
        float mx0 = -INFINITY, mx1 = -INFINITY;
        const bool partial = (it + 1) * kBN > t;  // only the last tile has keys past the end
#pragma unroll
        for (int nt = 0; nt < kBN / 8; ++nt) {
            const int key = it * kBN + nt * 8 + 2 * tq;
#pragma unroll
            for (int j = 0; j < 2; ++j) {
                const bool ok = !partial || key + j < t;
                s[nt][j] = ok ? s[nt][j] * scale_log2 : -INFINITY;
                s[nt][2 + j] = ok ? s[nt][2 + j] * scale_log2 : -INFINITY;
                mx0 = fmaxf(mx0, s[nt][j]);
                mx1 = fmaxf(mx1, s[nt][2 + j]);
            }
        }
        mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 1));
        mx0 = fmaxf(mx0, __shfl_xor_sync(0xffffffffu, mx0, 2));
        mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 1));
        mx1 = fmaxf(mx1, __shfl_xor_sync(0xffffffffu, mx1, 2));
        const float mn0 = fmaxf(m0, mx0), mn1 = fmaxf(m1, mx1);
        const float c0 = exp2f(m0 - mn0), c1 = exp2f(m1 - mn1);
        m0 = mn0;
        m1 = mn1;
        float sum0 = 0.0f, sum1 = 0.0f;
#pragma unroll
        for (int nt = 0; nt < kBN / 8; ++nt) {
            s[nt][0] = exp2f(s[nt][0] - mn0);
            s[nt][1] = exp2f(s[nt][1] - mn0);
            s[nt][2] = exp2f(s[nt][2] - mn1);
            s[nt][3] = exp2f(s[nt][3] - mn1);
            sum0 += s[nt][0] + s[nt][1];
            sum1 += s[nt][2] + s[nt][3];
        }
        l0 = l0 * c0 + sum0;  // partial per lane; reduced across the 4 lanes at the end
        l1 = l1 * c1 + sum1;
#pragma unroll
        for (int i = 0; i < kD / 8; ++i) {
            o[i][0] *= c0;
            o[i][1] *= c0;
            o[i][2] *= c1;
            o[i][3] *= c1;
        }
        // O += P·V: P's C-fragments become A-fragments; V fragments by ldmatrix.trans (two d-tiles each).
#pragma unroll
        for (int kc = 0; kc < kBN / 16; ++kc) {
            uint32_t pa[4];
            pa[0] = pack_bf16(s[2 * kc][0], s[2 * kc][1]);
            pa[1] = pack_bf16(s[2 * kc][2], s[2 * kc][3]);
            pa[2] = pack_bf16(s[2 * kc + 1][0], s[2 * kc + 1][1]);
            pa[3] = pack_bf16(s[2 * kc + 1][2], s[2 * kc + 1][3]);
#pragma unroll
            for (int dt = 0; dt < kD / 8; dt += 2) {
                uint32_t vb[4];
                const int row = kc * 16 + (lane & 15), col = dt * 8 + (lane >> 4) * 8;
                ldmatrix_x4_trans(vb, &vs[buf][row * kLd + col]);
                mma_16816(o[dt], pa, vb[0], vb[1]);
                mma_16816(o[dt + 1], pa, vb[2], vb[3]);
            }
        }
        __syncthreads();  // this buffer is refilled two iterations later
    }
    l0 += __shfl_xor_sync(0xffffffffu, l0, 1);
    l0 += __shfl_xor_sync(0xffffffffu, l0, 2);
    l1 += __shfl_xor_sync(0xffffffffu, l1, 1);
    l1 += __shfl_xor_sync(0xffffffffu, l1, 2);
    const float inv0 = 1.0f / l0, inv1 = 1.0f / l1;
    const int64_t ldo = int64_t(n_head) * kD;
#pragma unroll
    for (int i = 0; i < kD / 8; ++i) {
        const int col = h * kD + i * 8 + 2 * tq;
        if (r0 < t)
            *reinterpret_cast<__nv_bfloat162*>(out + (int64_t(b) * t + r0) * ldo + col) =
                __floats2bfloat162_rn(o[i][0] * inv0, o[i][1] * inv0);
        if (r1 < t)
            *reinterpret_cast<__nv_bfloat162*>(out + (int64_t(b) * t + r1) * ldo + col) =
                __floats2bfloat162_rn(o[i][2] * inv1, o[i][3] * inv1);
    }
}

template <class T>
__device__ __forceinline__ float ldf(const T* p, int64_t i) {
    if constexpr (sizeof(T) == 2) return __bfloat162float(p[i]);
    else return p[i];
}

// One warp per (batch, head, query): exact f32 softmax over all keys, head_dim <= 128.
template <class T>
__global__ void attention_warp_kernel(const T* __restrict__ qkv, T* __restrict__ out, int64_t batch, int64_t t, int n_head, int d,
                                      float scale) {
    const int lane = threadIdx.x & 31;
    const int64_t stride = (int64_t(gridDim.x) * blockDim.x) >> 5;
    for (int64_t w = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) >> 5; w < batch * n_head * t; w += stride) {
    const int64_t qi = w % t, bh = w / t, b = bh / n_head;
    const int h = static_cast<int>(bh % n_head);
    const int64_t ld = int64_t(3) * n_head * d;
    const T* q = qkv + (b * t + qi) * ld + int64_t(h) * d;
    float qv[4], acc[4] = {0, 0, 0, 0};
#pragma unroll
    for (int j = 0; j < 4; ++j) qv[j] = lane + 32 * j < d ? ldf(q, lane + 32 * j) * scale : 0.0f;
    float m = -INFINITY, l = 0.0f;
    for (int64_t key = 0; key < t; ++key) {
        const T* k = qkv + (b * t + key) * ld + int64_t(n_head) * d + int64_t(h) * d;
        const T* v = k + int64_t(n_head) * d;
        float s = 0.0f;
#pragma unroll
        for (int j = 0; j < 4; ++j)
            if (lane + 32 * j < d) s += qv[j] * ldf(k, lane + 32 * j);
        s = warp_sum(s);
        const float mn = fmaxf(m, s), c = expf(m - mn), p = expf(s - mn);
        l = l * c + p;
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[j] = acc[j] * c + (lane + 32 * j < d ? p * ldf(v, lane + 32 * j) : 0.0f);
        m = mn;
    }
    T* o = out + (b * t + qi) * int64_t(n_head) * d + int64_t(h) * d;
#pragma unroll
    for (int j = 0; j < 4; ++j)
        if (lane + 32 * j < d) {
            if constexpr (sizeof(T) == 2) o[lane + 32 * j] = __float2bfloat16(acc[j] / l);
            else o[lane + 32 * j] = acc[j] / l;
        }
    }
}

}  // namespace

Status attention_full(const OpContext& ctx, const TensorView& qkv, int64_t n_head, float scale, const TensorView& out) {
    const int64_t batch = qkv.dim(0), t = qkv.dim(1), d = qkv.dim(2) / (3 * n_head);
    if (batch == 0 || t == 0) return {};
    if (d > 128) return Status(ErrorCode::unsupported, "attention_full (cuda): head_dim > 128");
    cudaStream_t s = stream_of(ctx);
    if (qkv.dtype == DType::bf16 && d == kD && t < (int64_t(1) << 31) && batch * n_head < 65536 &&
        reinterpret_cast<uintptr_t>(qkv.data) % 16 == 0) {
        const dim3 grid(static_cast<unsigned>((t + kBM - 1) / kBM), static_cast<unsigned>(batch * n_head));
        static const bool two = getenv("FARSIGHT_VIT_ATTN_MINB2") != nullptr;  // experiment switch
        (two ? flash_attention_bf16_d64<2> : flash_attention_bf16_d64<1>)<<<grid, kWarps * 32, 0, s>>>(static_cast<const __nv_bfloat16*>(qkv.data),
                                                              static_cast<__nv_bfloat16*>(out.data), static_cast<int>(t),
                                                              static_cast<int>(n_head), scale * 1.4426950408889634f);
    } else if (qkv.dtype == DType::bf16) {
        attention_warp_kernel<<<grid_for(batch * n_head * t * 32, 256), 256, 0, s>>>(
            static_cast<const __nv_bfloat16*>(qkv.data), static_cast<__nv_bfloat16*>(out.data), batch, t, static_cast<int>(n_head),
            static_cast<int>(d), scale);
    } else if (qkv.dtype == DType::f32) {
        attention_warp_kernel<<<grid_for(batch * n_head * t * 32, 256), 256, 0, s>>>(qkv.f32(), out.f32(), batch, t,
                                                                                     static_cast<int>(n_head), static_cast<int>(d), scale);
    } else {
        return Status(ErrorCode::invalid_argument, "attention_full (cuda): f32 or bf16");
    }
    FS_CUDA_LAUNCHED();
    return {};
}

}  // namespace farsight::cuda
