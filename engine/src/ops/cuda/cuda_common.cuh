// Shared device helpers for the CUDA ops: dtype loads, warp/block reductions, launch sizing.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "ops/cuda/cuda_ops.h"
#include "runtime/cuda/gpu_context.h"

namespace farsight::cuda {

inline GpuContext& gctx(const OpContext& ctx) { return gpu(ctx.stream); }
inline cudaStream_t stream_of(const OpContext& ctx) { return gctx(ctx).stream; }

// Element i of a weight/activation buffer of dtype `dt` as float.
__device__ __forceinline__ float load_f(const void* p, DType dt, int64_t i) {
    switch (dt) {
        case DType::bf16: return __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]);
        case DType::f16: return __half2float(static_cast<const __half*>(p)[i]);
        default: return static_cast<const float*>(p)[i];
    }
}

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Sum over a block of blockDim.x threads (multiple of 32, <= 1024); every thread gets the result.
__device__ __forceinline__ float block_sum(float v) {
    __shared__ float partial[32];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = warp_sum(v);
    __syncthreads();
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    const int n_warps = (blockDim.x + 31) >> 5;
    v = lane < n_warps ? partial[lane] : 0.0f;
    return warp_sum(v);
}

inline unsigned grid_for(int64_t n, int threads, int max_blocks = 65535 * 8) {
    const int64_t b = (n + threads - 1) / threads;
    return static_cast<unsigned>(b < 1 ? 1 : (b > max_blocks ? max_blocks : b));
}

}  // namespace farsight::cuda
