// CUDA causal GQA attention over a KV cache (f32 or bf16), exact f32 softmax (online, one pass).
// One warp per (query, head); the head's dims are spread over the lanes (<= 4 per lane), scores
// reduced across the warp. Long contexts split the keys over several warps per query and merge
// the partial (max, sum, acc) results — flash-decoding — so decode fills the GPU.
#include "ops/cuda/attention_cuda.h"
#include "ops/cuda/cuda_common.cuh"

namespace farsight::cuda {
namespace {

constexpr int kMaxDimPerLane = 4;  // head_dim <= 128
constexpr int kSplitKeys = 512;    // keys per split

template <class KV>
__device__ __forceinline__ float kv_load(const KV* p, int64_t i) {
    if constexpr (sizeof(KV) == 2) return __bfloat162float(p[i]);
    else return p[i];
}

// Partial attention of query (t, h) over keys [k0, k1): writes m, l and unnormalised acc.
template <class KV>
__global__ void attention_partial(const float* __restrict__ q, const KV* __restrict__ kc, const KV* __restrict__ vc,
                                  int64_t t, int n_head, int n_head_kv, int d, int64_t n_past, float scale, int n_splits,
                                  float* __restrict__ part_ml, float* __restrict__ part_acc) {
    const int64_t w = static_cast<int64_t>(blockIdx.x) * (blockDim.x / 32) + (threadIdx.x >> 5);
    const int lane = threadIdx.x & 31;
    const int64_t total = t * n_head * n_splits;
    if (w >= total) return;
    const int split = static_cast<int>(w % n_splits);
    const int64_t qh = w / n_splits;
    const int h = static_cast<int>(qh % n_head);
    const int64_t ti = qh / n_head;
    const int hk = h / (n_head / n_head_kv);
    const int64_t n_keys = n_past + ti + 1;
    const int64_t k0 = static_cast<int64_t>(split) * kSplitKeys;
    const int64_t k1 = k0 + kSplitKeys < n_keys ? k0 + kSplitKeys : n_keys;
    float qv[kMaxDimPerLane], acc[kMaxDimPerLane];
#pragma unroll
    for (int j = 0; j < kMaxDimPerLane; ++j) {
        const int dim = lane + 32 * j;
        qv[j] = dim < d ? q[qh * d + dim] * scale : 0.0f;
        acc[j] = 0.0f;
    }
    float m = -INFINITY, l = 0.0f;
    for (int64_t key = k0; key < k1; ++key) {
        const int64_t base = (key * n_head_kv + hk) * d;
        float s = 0.0f;
#pragma unroll
        for (int j = 0; j < kMaxDimPerLane; ++j) {
            const int dim = lane + 32 * j;
            if (dim < d) s += qv[j] * kv_load(kc, base + dim);
        }
        s = warp_sum(s);
        const float m_new = fmaxf(m, s);
        const float corr = expf(m - m_new), p = expf(s - m_new);
        l = l * corr + p;
#pragma unroll
        for (int j = 0; j < kMaxDimPerLane; ++j) {
            const int dim = lane + 32 * j;
            acc[j] = acc[j] * corr + (dim < d ? p * kv_load(vc, base + dim) : 0.0f);
        }
        m = m_new;
    }
    if (lane == 0) {
        part_ml[2 * w] = m;
        part_ml[2 * w + 1] = l;
    }
#pragma unroll
    for (int j = 0; j < kMaxDimPerLane; ++j) {
        const int dim = lane + 32 * j;
        if (dim < d) part_acc[w * d + dim] = acc[j];
    }
}


// Decode-friendly variant: one warp handles all G query heads that share a KV head, so each key
// and value row is read once per group instead of once per query head (GQA; G <= 8).
template <class KV, int G>
__global__ void attention_partial_grouped(const float* __restrict__ q, const KV* __restrict__ kc, const KV* __restrict__ vc,
                                          int64_t t, int n_head, int n_head_kv, int d, int64_t n_past, float scale,
                                          int n_splits, float* __restrict__ part_ml, float* __restrict__ part_acc) {
    const int64_t w = static_cast<int64_t>(blockIdx.x) * (blockDim.x / 32) + (threadIdx.x >> 5);
    const int lane = threadIdx.x & 31;
    const int64_t total = t * n_head_kv * n_splits;
    if (w >= total) return;
    const int split = static_cast<int>(w % n_splits);
    const int64_t tk = w / n_splits;
    const int hk = static_cast<int>(tk % n_head_kv);
    const int64_t ti = tk / n_head_kv;
    const int64_t n_keys = n_past + ti + 1;
    const int64_t k0 = static_cast<int64_t>(split) * kSplitKeys;
    const int64_t k1 = k0 + kSplitKeys < n_keys ? k0 + kSplitKeys : n_keys;
    float qv[G][kMaxDimPerLane], acc[G][kMaxDimPerLane], m[G], l[G];
#pragma unroll
    for (int g = 0; g < G; ++g) {
        const int64_t qh = ti * n_head + hk * G + g;
#pragma unroll
        for (int j = 0; j < kMaxDimPerLane; ++j) {
            const int dim = lane + 32 * j;
            qv[g][j] = dim < d ? q[qh * d + dim] * scale : 0.0f;
            acc[g][j] = 0.0f;
        }
        m[g] = -INFINITY;
        l[g] = 0.0f;
    }
    for (int64_t key = k0; key < k1; ++key) {
        const int64_t base = (key * n_head_kv + hk) * d;
        float kr[kMaxDimPerLane], vr[kMaxDimPerLane];
#pragma unroll
        for (int j = 0; j < kMaxDimPerLane; ++j) {
            const int dim = lane + 32 * j;
            kr[j] = dim < d ? kv_load(kc, base + dim) : 0.0f;
            vr[j] = dim < d ? kv_load(vc, base + dim) : 0.0f;
        }
#pragma unroll
        for (int g = 0; g < G; ++g) {
            float sc = 0.0f;
#pragma unroll
            for (int j = 0; j < kMaxDimPerLane; ++j) sc += qv[g][j] * kr[j];
            sc = warp_sum(sc);
            const float m_new = fmaxf(m[g], sc);
            const float corr = expf(m[g] - m_new), p = expf(sc - m_new);
            l[g] = l[g] * corr + p;
#pragma unroll
            for (int j = 0; j < kMaxDimPerLane; ++j) acc[g][j] = acc[g][j] * corr + p * vr[j];
            m[g] = m_new;
        }
    }
#pragma unroll
    for (int g = 0; g < G; ++g) {
        const int64_t unit = ((ti * n_head + hk * G + g) * n_splits) + split;  // same layout as attention_partial
        if (lane == 0) {
            part_ml[2 * unit] = m[g];
            part_ml[2 * unit + 1] = l[g];
        }
#pragma unroll
        for (int j = 0; j < kMaxDimPerLane; ++j) {
            const int dim = lane + 32 * j;
            if (dim < d) part_acc[unit * d + dim] = acc[g][j];
        }
    }
}

// Merges the splits of query (t, h): out = Σ e^{m_s - M} acc_s / Σ e^{m_s - M} l_s.
__global__ void attention_merge(const float* __restrict__ part_ml, const float* __restrict__ part_acc, int64_t n_qh, int d,
                                int n_splits, int64_t t, int n_head, int64_t n_past, float* __restrict__ out) {
    const int64_t qh = blockIdx.x;
    if (qh >= n_qh) return;
    const int64_t ti = qh / n_head;
    const int used = static_cast<int>((n_past + ti + 1 + kSplitKeys - 1) / kSplitKeys);
    float mx = -INFINITY;
    for (int s = 0; s < used; ++s) mx = fmaxf(mx, part_ml[2 * (qh * n_splits + s)]);
    float den = 0.0f;
    for (int s = 0; s < used; ++s) den += expf(part_ml[2 * (qh * n_splits + s)] - mx) * part_ml[2 * (qh * n_splits + s) + 1];
    for (int dim = threadIdx.x; dim < d; dim += blockDim.x) {
        float num = 0.0f;
        for (int s = 0; s < used; ++s) num += expf(part_ml[2 * (qh * n_splits + s)] - mx) * part_acc[(qh * n_splits + s) * d + dim];
        out[qh * d + dim] = num / den;
    }
}

}  // namespace

Status softmax_attention(const OpContext& ctx, const TensorView& q, const TensorView& k_cache, const TensorView& v_cache,
                         int64_t n_past, float scale, const TensorView& out) {
    const int64_t t = q.dim(0), n_head = q.dim(1), d = q.dim(2), n_head_kv = k_cache.dim(1);
    if (d > 32 * kMaxDimPerLane) return Status(ErrorCode::unsupported, "softmax attention (cuda): head_dim > 128");
    if (t == 0) return {};
    // Prefill-sized query blocks go to the tensor-core kernel; decode uses flash-decoding below.
    if (t >= 16 && d == 128 && k_cache.dtype == DType::bf16 && accumulator_layout_verified(ctx))
        return flash_attention(ctx, q, k_cache, v_cache, n_past, scale, out);
    GpuContext& g = gctx(ctx);
    const int n_splits = static_cast<int>((n_past + t + kSplitKeys - 1) / kSplitKeys);
    const int64_t units = t * n_head * n_splits;
    FS_ASSIGN_OR_RETURN(void* ml, g.scratch(3, static_cast<size_t>(units) * 8));
    FS_ASSIGN_OR_RETURN(void* acc, g.scratch(4, static_cast<size_t>(units * d) * 4));
    constexpr int kWarpsPerBlock = 8;
    const unsigned blocks = static_cast<unsigned>((units + kWarpsPerBlock - 1) / kWarpsPerBlock);
    const int64_t group = n_head / n_head_kv;
    if (group == 8 && t <= 16) {  // decode: share each KV row among the 8 query heads of its group
        const int64_t gunits = t * n_head_kv * n_splits;
        const unsigned gblocks = static_cast<unsigned>((gunits + kWarpsPerBlock - 1) / kWarpsPerBlock);
        if (k_cache.dtype == DType::bf16)
            attention_partial_grouped<__nv_bfloat16, 8><<<gblocks, kWarpsPerBlock * 32, 0, g.stream>>>(
                q.f32(), static_cast<const __nv_bfloat16*>(k_cache.data), static_cast<const __nv_bfloat16*>(v_cache.data), t,
                int(n_head), int(n_head_kv), int(d), n_past, scale, n_splits, static_cast<float*>(ml), static_cast<float*>(acc));
        else
            attention_partial_grouped<float, 8><<<gblocks, kWarpsPerBlock * 32, 0, g.stream>>>(
                q.f32(), k_cache.f32(), v_cache.f32(), t, int(n_head), int(n_head_kv), int(d), n_past, scale, n_splits,
                static_cast<float*>(ml), static_cast<float*>(acc));
    } else if (k_cache.dtype == DType::bf16)
        attention_partial<__nv_bfloat16><<<blocks, kWarpsPerBlock * 32, 0, g.stream>>>(
            q.f32(), static_cast<const __nv_bfloat16*>(k_cache.data), static_cast<const __nv_bfloat16*>(v_cache.data), t,
            int(n_head), int(n_head_kv), int(d), n_past, scale, n_splits, static_cast<float*>(ml), static_cast<float*>(acc));
    else
        attention_partial<float><<<blocks, kWarpsPerBlock * 32, 0, g.stream>>>(
            q.f32(), k_cache.f32(), v_cache.f32(), t, int(n_head), int(n_head_kv), int(d), n_past, scale, n_splits,
            static_cast<float*>(ml), static_cast<float*>(acc));
    FS_CUDA_LAUNCHED();
    attention_merge<<<static_cast<unsigned>(t * n_head), 128, 0, g.stream>>>(static_cast<float*>(ml), static_cast<float*>(acc),
                                                                            t * n_head, int(d), n_splits, t, int(n_head),
                                                                            n_past, out.f32());
    FS_CUDA_LAUNCHED();
    return {};
}

}  // namespace farsight::cuda
