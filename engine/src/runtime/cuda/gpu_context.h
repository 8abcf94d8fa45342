// GpuContext (CUDA builds): one stream, its cuBLAS/cuBLASLt handles and a growable scratch area
// that ops use for temporaries (never freed during a forward pass, so no allocation per token).
#pragma once

#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <string>

#include "farsight/engine/status.h"
#include "runtime/runtime.h"

namespace farsight {

class GpuContext {
public:
    ~GpuContext();
    int device = 0;
    cudaStream_t stream = nullptr;
    cublasHandle_t blas = nullptr;
    cublasLtHandle_t lt = nullptr;
    void* lt_workspace = nullptr;
    size_t lt_workspace_bytes = 0;
    int sm_count = 0;

    // Scratch slots (grown on demand, kept): ops use distinct slot numbers per temporary.
    Result<void*> scratch(int slot, size_t bytes);

private:
    static constexpr int kSlots = 16;
    void* m_scratch[kSlots] = {};
    size_t m_scratch_bytes[kSlots] = {};
};

// CUDA / cuBLAS error codes become Status at the call site.
Status cuda_status(cudaError_t err, const char* what);
Status cublas_status(cublasStatus_t st, const char* what);

#define FS_CUDA(call) FS_RETURN_IF_ERROR(::farsight::cuda_status((call), #call))
#define FS_CUBLAS(call) FS_RETURN_IF_ERROR(::farsight::cublas_status((call), #call))
// After a kernel launch: launch-configuration errors now, execution errors at the next sync.
#define FS_CUDA_LAUNCHED() FS_RETURN_IF_ERROR(::farsight::cuda_status(cudaGetLastError(), "kernel launch"))

inline GpuContext& gpu(const void* stream_ptr) { return *static_cast<GpuContext*>(const_cast<void*>(stream_ptr)); }

}  // namespace farsight
