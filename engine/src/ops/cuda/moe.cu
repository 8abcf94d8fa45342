// CUDA mixture of experts. Routing on the device (softmax → top-k → renormalise, f32). Experts:
//  - decode-sized batches (T <= 8): three kernels that read each token's expert ids on the device
//    (no host round trip, graph-capturable): fused gate/up GEMV + SiLU·up, down GEMV, weighted sum;
//  - prefill: tokens sorted by expert (one small host round trip for the counts), then ONE grouped
//    GEMM call per projection (cublasGemmGroupedBatchedEx) over all experts — no per-expert loop.
#include <algorithm>
#include <vector>

#include "ops/cuda/cuda_common.cuh"
#include "ops/moe_experts.h"

namespace farsight::cuda {
namespace {

constexpr int kWarps = 8;

__global__ void routing_kernel(const float* __restrict__ logits, int64_t t, int e, int k, float* __restrict__ w,
                               int32_t* __restrict__ ids) {
    const int64_t row = static_cast<int64_t>(blockIdx.x) * kWarps + (threadIdx.x >> 5);
    const int lane = threadIdx.x & 31;
    if (row >= t) return;
    const float* l = logits + row * e;
    float mx = -INFINITY;
    for (int i = lane; i < e; i += 32) mx = fmaxf(mx, l[i]);
    mx = warp_max(mx);
    float sum = 0.0f;
    for (int i = lane; i < e; i += 32) sum += expf(l[i] - mx);
    sum = warp_sum(sum);
    float chosen_total = 0.0f;
    int prev_best = -1;
    float prev_p = INFINITY;
    // k rounds of arg-max over experts not yet taken (ties: lower index), in descending order.
    for (int j = 0; j < k; ++j) {
        float best = -1.0f;
        int best_i = 0x7fffffff;
        for (int i = lane; i < e; i += 32) {
            const float p = expf(l[i] - mx) / sum;
            const bool taken = p > prev_p || (p == prev_p && i <= prev_best);
            if (!taken && (p > best || (p == best && i < best_i))) {
                best = p;
                best_i = i;
            }
        }
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) {
            const float ob = __shfl_xor_sync(0xffffffffu, best, o);
            const int oi = __shfl_xor_sync(0xffffffffu, best_i, o);
            if (ob > best || (ob == best && oi < best_i)) {
                best = ob;
                best_i = oi;
            }
        }
        if (lane == 0) {
            w[row * k + j] = best;
            ids[row * k + j] = best_i;
        }
        chosen_total += best;
        prev_best = best_i;
        prev_p = best;
    }
    __syncwarp();
    if (lane < k) w[row * k + lane] /= chosen_total;
}

template <class W>
__device__ __forceinline__ float wload(const W* p, int64_t i) {
    if constexpr (sizeof(W) == 2) return __bfloat162float(p[i]);
    else return p[i];
}

// act[p, r] = silu(W1_e[r]·h) * (W3_e[r]·h) for pair p = (token, slot), e = ids[p].
template <class W>
__global__ void up_kernel(const float* __restrict__ h, const int32_t* __restrict__ ids, int k, const void* const* tables,
                          int n_expert, int64_t n_ff, int64_t n_embd, float* __restrict__ act) {
    const int p = blockIdx.y;
    const int64_t r = static_cast<int64_t>(blockIdx.x) * kWarps + (threadIdx.x >> 5);
    const int lane = threadIdx.x & 31;
    if (r >= n_ff) return;
    const int e = ids[p];
    const W* w1 = static_cast<const W*>(tables[e]) + r * n_embd;
    const W* w3 = static_cast<const W*>(tables[n_expert + e]) + r * n_embd;
    const float* x = h + static_cast<int64_t>(p / k) * n_embd;
    float g = 0.0f, u = 0.0f;
    for (int64_t i = lane; i < n_embd; i += 32) {
        const float xv = x[i];
        g += xv * wload(w1, i);
        u += xv * wload(w3, i);
    }
    g = warp_sum(g);
    u = warp_sum(u);
    if (lane == 0) act[static_cast<int64_t>(p) * n_ff + r] = g / (1.0f + expf(-g)) * u;
}

template <class W>
__global__ void down_kernel(const float* __restrict__ act, const int32_t* __restrict__ ids, const void* const* tables,
                            int n_expert, int64_t n_ff, int64_t n_embd, float* __restrict__ y) {
    const int p = blockIdx.y;
    const int64_t r = static_cast<int64_t>(blockIdx.x) * kWarps + (threadIdx.x >> 5);
    const int lane = threadIdx.x & 31;
    if (r >= n_embd) return;
    const int e = ids[p];
    const W* w2 = static_cast<const W*>(tables[2 * n_expert + e]) + r * n_ff;
    const float* a = act + static_cast<int64_t>(p) * n_ff;
    float s = 0.0f;
    for (int64_t i = lane; i < n_ff; i += 32) s += a[i] * wload(w2, i);
    s = warp_sum(s);
    if (lane == 0) y[static_cast<int64_t>(p) * n_embd + r] = s;
}

// out[t] = Σ_j w[t, j] y[t, j] with the slots taken in ascending expert order.
__global__ void combine_kernel(const float* __restrict__ y, const float* __restrict__ w, const int32_t* __restrict__ ids,
                               int64_t t, int k, int64_t n_embd, float* __restrict__ out) {
    const int64_t total = t * n_embd;
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
        const int64_t row = i / n_embd, c = i % n_embd;
        float acc = 0.0f;
        int last = -1;
        for (int j = 0; j < k; ++j) {  // k is tiny: selection by repeated minimum
            int pick = -1;
            for (int q = 0; q < k; ++q) {
                const int e = ids[row * k + q];
                if (e > last && (pick < 0 || e < ids[row * k + pick])) pick = q;
            }
            if (pick < 0) break;
            last = ids[row * k + pick];
            acc += y[(row * k + pick) * n_embd + c] * w[row * k + pick];
        }
        out[i] = acc;
    }
}

// Prefill helpers: gather rows into expert order (bf16 or f32), SwiGLU, weighted scatter back.
template <class T>
__global__ void gather_kernel(const float* __restrict__ h, const int32_t* __restrict__ src_row, int64_t n_rows,
                              int64_t n_embd, T* __restrict__ xe) {
    const int64_t total = n_rows * n_embd;
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
        const float v = h[static_cast<int64_t>(src_row[i / n_embd]) * n_embd + i % n_embd];
        if constexpr (sizeof(T) == 2) xe[i] = __float2bfloat16(v);
        else xe[i] = v;
    }
}

template <class T>
__device__ __forceinline__ float as_f(T v) {
    if constexpr (sizeof(T) == 2) return __bfloat162float(v);
    else return v;
}

template <class T>
__global__ void swiglu_pairs_kernel(const T* __restrict__ g, const T* __restrict__ u, T* __restrict__ a, int64_t n) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
        const float gv = as_f(g[i]);
        const float v = gv / (1.0f + expf(-gv)) * as_f(u[i]);
        if constexpr (sizeof(T) == 2) a[i] = __float2bfloat16(v);
        else a[i] = v;
    }
}

// out[t] = Σ over the token's sorted slots of w · ye[slot]; slot_of[t*k + j] lists the rows of ye
// belonging to token t in ascending expert order (built on the host with the permutation).
template <class T>
__global__ void scatter_kernel(const T* __restrict__ ye, const int32_t* __restrict__ slot_of,
                               const float* __restrict__ slot_w, int64_t t, int k, int64_t n_embd, float* __restrict__ out) {
    const int64_t total = t * n_embd;
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
        const int64_t row = i / n_embd, c = i % n_embd;
        float acc = 0.0f;
        for (int j = 0; j < k; ++j) acc += as_f(ye[static_cast<int64_t>(slot_of[row * k + j]) * n_embd + c]) * slot_w[row * k + j];
        out[i] = acc;
    }
}

Status decode_path(const OpContext& ctx, const ExpertTable& table, const TensorView& weights, const TensorView& ids,
                   const TensorView& h, const TensorView& out) {
    GpuContext& g = gctx(ctx);
    const int64_t t = h.rows(), k = ids.numel() / t, n_ff = table.n_ff(), n_embd = table.n_embd();
    const int n_expert = static_cast<int>(table.experts.size());
    const int64_t pairs = t * k;
    FS_ASSIGN_OR_RETURN(void* act, g.scratch(8, static_cast<size_t>(pairs * n_ff) * 4));
    FS_ASSIGN_OR_RETURN(void* y, g.scratch(9, static_cast<size_t>(pairs * n_embd) * 4));
    const auto* tables = static_cast<const void* const*>(table.device_tables->data());
    const dim3 up_grid(static_cast<unsigned>((n_ff + kWarps - 1) / kWarps), static_cast<unsigned>(pairs));
    const dim3 down_grid(static_cast<unsigned>((n_embd + kWarps - 1) / kWarps), static_cast<unsigned>(pairs));
    if (table.experts[0].w1.dtype == DType::bf16) {
        up_kernel<__nv_bfloat16><<<up_grid, kWarps * 32, 0, g.stream>>>(h.f32(), ids.as<int32_t>(), int(k), tables, n_expert,
                                                                       n_ff, n_embd, static_cast<float*>(act));
        down_kernel<__nv_bfloat16><<<down_grid, kWarps * 32, 0, g.stream>>>(static_cast<float*>(act), ids.as<int32_t>(), tables,
                                                                           n_expert, n_ff, n_embd, static_cast<float*>(y));
    } else {
        up_kernel<float><<<up_grid, kWarps * 32, 0, g.stream>>>(h.f32(), ids.as<int32_t>(), int(k), tables, n_expert, n_ff,
                                                               n_embd, static_cast<float*>(act));
        down_kernel<float><<<down_grid, kWarps * 32, 0, g.stream>>>(static_cast<float*>(act), ids.as<int32_t>(), tables,
                                                                   n_expert, n_ff, n_embd, static_cast<float*>(y));
    }
    combine_kernel<<<grid_for(t * n_embd, 256), 256, 0, g.stream>>>(static_cast<float*>(y), weights.f32(), ids.as<int32_t>(), t,
                                                                   int(k), n_embd, out.f32());
    FS_CUDA_LAUNCHED();
    return {};
}

Status prefill_path(const OpContext& ctx, const ExpertTable& table, const TensorView& weights, const TensorView& ids,
                    const TensorView& h, const TensorView& out) {
    GpuContext& g = gctx(ctx);
    const int64_t t = h.rows(), k = ids.numel() / t, n_ff = table.n_ff(), n_embd = table.n_embd();
    const int64_t pairs = t * k;
    const int n_expert = static_cast<int>(table.experts.size());
    const bool bf16 = ctx.precision == Precision::bf16 && table.experts[0].w1.dtype == DType::bf16;
    if (!bf16 && table.experts[0].w1.dtype != DType::f32)
        return Status(ErrorCode::invalid_argument, "moe (cuda, fp32): expert weights must be f32 (convert them at load)");
    // Host: counting sort of (token, slot) pairs by expert.
    std::vector<int32_t> hid(static_cast<size_t>(pairs));
    std::vector<float> hw(static_cast<size_t>(pairs));
    FS_CUDA(cudaMemcpyAsync(hid.data(), ids.data, static_cast<size_t>(pairs) * 4, cudaMemcpyDeviceToHost, g.stream));
    FS_CUDA(cudaMemcpyAsync(hw.data(), weights.data, static_cast<size_t>(pairs) * 4, cudaMemcpyDeviceToHost, g.stream));
    FS_CUDA(cudaStreamSynchronize(g.stream));
    std::vector<int64_t> count(static_cast<size_t>(n_expert) + 1, 0);
    for (int32_t e : hid) {
        if (e < 0 || e >= n_expert) return Status(ErrorCode::internal, "moe (cuda): routed to a non-existent expert");
        ++count[static_cast<size_t>(e) + 1];
    }
    for (int e = 0; e < n_expert; ++e) count[static_cast<size_t>(e) + 1] += count[static_cast<size_t>(e)];
    std::vector<int32_t> src_row(static_cast<size_t>(pairs)), slot_of(static_cast<size_t>(pairs));
    std::vector<float> slot_w(static_cast<size_t>(pairs));
    {
        std::vector<int64_t> fill(count.begin(), count.end() - 1);
        // Rows in expert order; tokens keep their order inside an expert.
        for (int64_t p = 0; p < pairs; ++p) {
            const int32_t e = hid[static_cast<size_t>(p)];
            src_row[static_cast<size_t>(fill[static_cast<size_t>(e)])] = static_cast<int32_t>(p / k);
            hid[static_cast<size_t>(p)] = static_cast<int32_t>(fill[static_cast<size_t>(e)]++);  // now: row of pair p
        }
        // Each token's slots in ascending expert order (= ascending row, since rows are expert-sorted).
        for (int64_t r = 0; r < t; ++r) {
            std::vector<std::pair<int32_t, float>> s;
            for (int64_t j = 0; j < k; ++j) s.emplace_back(hid[static_cast<size_t>(r * k + j)], hw[static_cast<size_t>(r * k + j)]);
            std::sort(s.begin(), s.end());
            for (int64_t j = 0; j < k; ++j) {
                slot_of[static_cast<size_t>(r * k + j)] = s[static_cast<size_t>(j)].first;
                slot_w[static_cast<size_t>(r * k + j)] = s[static_cast<size_t>(j)].second;
            }
        }
    }
    const size_t es = bf16 ? 2 : 4;  // element size of every grouped-GEMM operand (A = B = C type)
    FS_ASSIGN_OR_RETURN(void* d_meta, g.scratch(7, static_cast<size_t>(pairs) * 12));
    auto* d_src = static_cast<int32_t*>(d_meta);
    auto* d_slot = d_src + pairs;
    auto* d_slot_w = reinterpret_cast<float*>(d_slot + pairs);
    FS_CUDA(cudaMemcpyAsync(d_src, src_row.data(), static_cast<size_t>(pairs) * 4, cudaMemcpyHostToDevice, g.stream));
    FS_CUDA(cudaMemcpyAsync(d_slot, slot_of.data(), static_cast<size_t>(pairs) * 4, cudaMemcpyHostToDevice, g.stream));
    FS_CUDA(cudaMemcpyAsync(d_slot_w, slot_w.data(), static_cast<size_t>(pairs) * 4, cudaMemcpyHostToDevice, g.stream));
    FS_ASSIGN_OR_RETURN(void* xe, g.scratch(8, static_cast<size_t>(pairs * n_embd) * es));
    FS_ASSIGN_OR_RETURN(void* gate, g.scratch(9, static_cast<size_t>(pairs * n_ff) * es));
    FS_ASSIGN_OR_RETURN(void* up, g.scratch(10, static_cast<size_t>(pairs * n_ff) * es));
    FS_ASSIGN_OR_RETURN(void* ye, g.scratch(11, static_cast<size_t>(pairs * n_embd) * es));
    void* act = xe;  // reused: xe is dead after the up projections (act needs pairs·n_ff·es bytes)
    if (n_ff > n_embd) {
        FS_ASSIGN_OR_RETURN(act, g.scratch(6, static_cast<size_t>(pairs * n_ff) * es));
    }
    if (bf16) gather_kernel<<<grid_for(pairs * n_embd, 256), 256, 0, g.stream>>>(h.f32(), d_src, pairs, n_embd, static_cast<__nv_bfloat16*>(xe));
    else gather_kernel<<<grid_for(pairs * n_embd, 256), 256, 0, g.stream>>>(h.f32(), d_src, pairs, n_embd, static_cast<float*>(xe));
    FS_CUDA_LAUNCHED();

    // Grouped GEMMs: one group per expert with rows; column-major yᵀ = W·xᵀ per group.
    std::vector<int> gm, gn, gk, lda, ldb, ldc, gsize;
    std::vector<cublasOperation_t> ta, tb;
    std::vector<float> alpha, beta;
    std::vector<const void*> a_up1, a_up3, a_down, b_x, b_act;
    std::vector<void*> c_gate, c_up, c_down;
    for (int e = 0; e < n_expert; ++e) {
        const int64_t r0 = count[static_cast<size_t>(e)], rows = count[static_cast<size_t>(e) + 1] - r0;
        if (rows == 0) continue;
        gm.push_back(static_cast<int>(n_ff));
        gn.push_back(static_cast<int>(rows));
        gk.push_back(static_cast<int>(n_embd));
        ta.push_back(CUBLAS_OP_T);
        tb.push_back(CUBLAS_OP_N);
        alpha.push_back(1.0f);
        beta.push_back(0.0f);
        gsize.push_back(1);
        a_up1.push_back(table.experts[static_cast<size_t>(e)].w1.data);
        a_up3.push_back(table.experts[static_cast<size_t>(e)].w3.data);
        a_down.push_back(table.experts[static_cast<size_t>(e)].w2.data);
        b_x.push_back(static_cast<const char*>(xe) + static_cast<size_t>(r0 * n_embd) * es);
        b_act.push_back(static_cast<const char*>(act) + static_cast<size_t>(r0 * n_ff) * es);
        c_gate.push_back(static_cast<char*>(gate) + static_cast<size_t>(r0 * n_ff) * es);
        c_up.push_back(static_cast<char*>(up) + static_cast<size_t>(r0 * n_ff) * es);
        c_down.push_back(static_cast<char*>(ye) + static_cast<size_t>(r0 * n_embd) * es);
    }
    const int groups = static_cast<int>(gm.size());
    // Device copies of the pointer arrays: [a_up1 | a_up3 | a_down | b_x | b_act | c_gate | c_up | c_down].
    std::vector<const void*> ptrs;
    for (auto* v : {&a_up1, &a_up3, &a_down, &b_x, &b_act}) ptrs.insert(ptrs.end(), v->begin(), v->end());
    for (auto* v : {&c_gate, &c_up, &c_down}) ptrs.insert(ptrs.end(), v->begin(), v->end());
    FS_ASSIGN_OR_RETURN(void* d_ptrs, g.scratch(5, ptrs.size() * sizeof(void*)));
    FS_CUDA(cudaMemcpyAsync(d_ptrs, ptrs.data(), ptrs.size() * sizeof(void*), cudaMemcpyHostToDevice, g.stream));
    auto arr = [&](int i) { return static_cast<const void* const*>(d_ptrs) + static_cast<size_t>(i) * groups; };
    auto out_arr = [&](int i) { return static_cast<void* const*>(d_ptrs) + static_cast<size_t>(i) * groups; };
    const cudaDataType_t wt = bf16 ? CUDA_R_16BF : CUDA_R_32F;
    const cublasComputeType_t ct = CUBLAS_COMPUTE_32F;  // f32 operands: no TF32 (the handle's default math mode)
    lda.assign(static_cast<size_t>(groups), static_cast<int>(n_embd));
    ldb.assign(static_cast<size_t>(groups), static_cast<int>(n_embd));
    ldc.assign(static_cast<size_t>(groups), static_cast<int>(n_ff));
    FS_CUBLAS(cublasGemmGroupedBatchedEx(g.blas, ta.data(), tb.data(), gm.data(), gn.data(), gk.data(), alpha.data(), arr(0), wt,
                                         lda.data(), arr(3), wt, ldb.data(), beta.data(), out_arr(5), wt, ldc.data(),
                                         groups, gsize.data(), ct));
    FS_CUBLAS(cublasGemmGroupedBatchedEx(g.blas, ta.data(), tb.data(), gm.data(), gn.data(), gk.data(), alpha.data(), arr(1), wt,
                                         lda.data(), arr(3), wt, ldb.data(), beta.data(), out_arr(6), wt, ldc.data(),
                                         groups, gsize.data(), ct));
    if (bf16) swiglu_pairs_kernel<<<grid_for(pairs * n_ff, 256), 256, 0, g.stream>>>(static_cast<__nv_bfloat16*>(gate), static_cast<__nv_bfloat16*>(up), static_cast<__nv_bfloat16*>(act), pairs * n_ff);
    else swiglu_pairs_kernel<<<grid_for(pairs * n_ff, 256), 256, 0, g.stream>>>(static_cast<float*>(gate), static_cast<float*>(up), static_cast<float*>(act), pairs * n_ff);
    FS_CUDA_LAUNCHED();
    std::vector<int> dm(static_cast<size_t>(groups), static_cast<int>(n_embd)), dk(static_cast<size_t>(groups), static_cast<int>(n_ff));
    std::vector<int> dlda(static_cast<size_t>(groups), static_cast<int>(n_ff)), dldb(static_cast<size_t>(groups), static_cast<int>(n_ff)),
        dldc(static_cast<size_t>(groups), static_cast<int>(n_embd));
    FS_CUBLAS(cublasGemmGroupedBatchedEx(g.blas, ta.data(), tb.data(), dm.data(), gn.data(), dk.data(), alpha.data(), arr(2), wt,
                                         dlda.data(), arr(4), wt, dldb.data(), beta.data(), out_arr(7), wt, dldc.data(),
                                         groups, gsize.data(), ct));
    if (bf16) scatter_kernel<<<grid_for(t * n_embd, 256), 256, 0, g.stream>>>(static_cast<__nv_bfloat16*>(ye), d_slot, d_slot_w, t, int(k), n_embd, out.f32());
    else scatter_kernel<<<grid_for(t * n_embd, 256), 256, 0, g.stream>>>(static_cast<float*>(ye), d_slot, d_slot_w, t, int(k), n_embd, out.f32());
    FS_CUDA_LAUNCHED();
    // The host vectors above die with this function: make sure the async copies that read them are done.
    FS_CUDA(cudaStreamSynchronize(g.stream));
    return {};
}

}  // namespace

Status moe_routing(const OpContext& ctx, const TensorView& logits, int64_t k, const TensorView& weights,
                   const TensorView& experts) {
    const int64_t t = logits.rows();
    if (t == 0) return {};
    routing_kernel<<<static_cast<unsigned>((t + kWarps - 1) / kWarps), kWarps * 32, 0, stream_of(ctx)>>>(
        logits.f32(), t, static_cast<int>(logits.dim(-1)), static_cast<int>(k), weights.f32(), experts.as<int32_t>());
    FS_CUDA_LAUNCHED();
    return {};
}

Status moe_experts(const OpContext& ctx, Workspace&, const ExpertTable& table, const TensorView& weights, const TensorView& ids,
                   const TensorView& h, const TensorView& out) {
    if (!table.device_tables || table.device_tables->device() != Device::cuda)
        return Status(ErrorCode::internal, "moe (cuda): expert pointer tables are not on the device");
    if (h.rows() <= 8) return decode_path(ctx, table, weights, ids, h, out);
    return prefill_path(ctx, table, weights, ids, h, out);
}

}  // namespace farsight::cuda
