// OpContext: where an op runs (device, CPU thread pool, CUDA stream). Ops validate their
// arguments once, then dispatch to the backend implementation for `device`.
#pragma once

#include "core/tensor.h"
#include "core/thread_pool.h"
#include "farsight/engine/status.h"

namespace farsight {

// Matrix-product precision on the GPU: fp32 (validation: f32 weights, TF32 off) or bf16 operands
// with f32 accumulation (the fast path). The CPU always accumulates in f32.
enum class Precision : uint8_t { fp32, bf16 };

struct OpContext {
    Device device = Device::cpu;
    ThreadPool* pool = nullptr;  // CPU work; nullptr = run on the calling thread
    void* stream = nullptr;      // GpuContext* on the CUDA backend
    Precision precision = Precision::fp32;

    // Runs fn over [0, n) on the pool (or inline).
    template <class Fn>
    void parallel_for(int64_t n, Fn&& fn, int64_t grain = 1) const {
        if (pool) pool->parallel_for(n, fn, grain);
        else if (n > 0) fn(0, n, 0);
    }
    int n_threads() const { return pool ? pool->size() : 1; }
};

// Shared argument checks used by every op's validation step.
Status expect_dtype(const TensorView& t, DType dtype, const char* op, const char* arg);
Status expect_rank(const TensorView& t, int rank, const char* op, const char* arg);
Status expect_dim(const TensorView& t, int axis, int64_t value, const char* op, const char* arg);
Status expect_device(const OpContext& ctx, const TensorView& t, const char* op, const char* arg);

}  // namespace farsight
