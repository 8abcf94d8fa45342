// CUDA runtime: device discovery, memory hooks for core, stream contexts.
#include "runtime/cuda/gpu_context.h"

#include <mutex>

#include "core/device_hooks.h"

namespace farsight {

Status cuda_status(cudaError_t err, const char* what) {
    if (err == cudaSuccess) return {};
    const ErrorCode code = err == cudaErrorMemoryAllocation ? ErrorCode::out_of_memory : ErrorCode::device_error;
    return Status(code, std::string(what) + ": " + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) + ")");
}

Status cublas_status(cublasStatus_t st, const char* what) {
    if (st == CUBLAS_STATUS_SUCCESS) return {};
    const ErrorCode code = st == CUBLAS_STATUS_ALLOC_FAILED ? ErrorCode::out_of_memory
                           : st == CUBLAS_STATUS_NOT_SUPPORTED ? ErrorCode::unsupported
                                                               : ErrorCode::device_error;
    return Status(code, std::string(what) + ": cuBLAS status " + std::to_string(static_cast<int>(st)) + " (" +
                            cublasGetStatusString(st) + ")");
}

namespace {

void* hook_alloc(uint64_t bytes, std::string* error) {
    void* p = nullptr;
    const cudaError_t err = cudaMalloc(&p, bytes);
    if (err != cudaSuccess) {
        if (error) *error = cudaGetErrorString(err);
        (void)cudaGetLastError();
        return nullptr;
    }
    return p;
}
void hook_free(void* p) { cudaFree(p); }
// Kernels run on non-blocking streams, which the legacy default stream does not wait for: wait for
// all of them first, so a copy or memset never overtakes work already queued on a stream.
bool hook_memset(void* p, uint64_t bytes) {
    return cudaDeviceSynchronize() == cudaSuccess && cudaMemset(p, 0, bytes) == cudaSuccess &&
           cudaDeviceSynchronize() == cudaSuccess;
}
bool hook_copy(void* dst, const void* src, uint64_t bytes, CopyKind kind) {
    if (cudaDeviceSynchronize() != cudaSuccess) return false;
    const cudaMemcpyKind k = kind == CopyKind::host_to_device   ? cudaMemcpyHostToDevice
                             : kind == CopyKind::device_to_host ? cudaMemcpyDeviceToHost
                                                                : cudaMemcpyDeviceToDevice;
    return cudaMemcpy(dst, src, bytes, k) == cudaSuccess && cudaDeviceSynchronize() == cudaSuccess;
}

}  // namespace

bool cuda_build() { return true; }

int gpu_count() {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        (void)cudaGetLastError();
        return 0;
    }
    return n;
}

Result<GpuInfo> gpu_info(int index) {
    cudaDeviceProp p{};
    FS_CUDA(cudaGetDeviceProperties(&p, index));
    GpuInfo g;
    g.index = index;
    g.name = p.name;
    g.cc_major = p.major;
    g.cc_minor = p.minor;
    g.sm_count = p.multiProcessorCount;
    g.total_memory = p.totalGlobalMem;
    g.l2_bytes = static_cast<uint64_t>(p.l2CacheSize);
    size_t free_b = 0, total_b = 0;
    FS_CUDA(cudaSetDevice(index));
    FS_CUDA(cudaMemGetInfo(&free_b, &total_b));
    g.free_memory = free_b;
    return g;
}

GpuContext::~GpuContext() {
    for (int i = 0; i < kSlots; ++i)
        if (m_scratch[i]) cudaFree(m_scratch[i]);
    if (lt_workspace) cudaFree(lt_workspace);
    if (lt) cublasLtDestroy(lt);
    if (blas) cublasDestroy(blas);
    if (stream) cudaStreamDestroy(stream);
}

Result<void*> GpuContext::scratch(int slot, size_t bytes) {
    if (slot < 0 || slot >= kSlots) return Status(ErrorCode::internal, "scratch slot out of range");
    if (m_scratch_bytes[slot] < bytes) {
        if (m_scratch[slot]) {
            FS_CUDA(cudaStreamSynchronize(stream));
            cudaFree(m_scratch[slot]);
            m_scratch[slot] = nullptr;
            m_scratch_bytes[slot] = 0;
        }
        const size_t grown = bytes + bytes / 4 + 256;
        FS_CUDA(cudaMalloc(&m_scratch[slot], grown));
        m_scratch_bytes[slot] = grown;
    }
    return m_scratch[slot];
}

Result<std::shared_ptr<GpuContext>> create_gpu_context(int index) {
    const int n = gpu_count();
    if (n == 0) return Status(ErrorCode::unsupported, "no CUDA device is visible");
    if (index < 0 || index >= n)
        return Status(ErrorCode::invalid_argument, "cuda:" + std::to_string(index) + " does not exist (" + std::to_string(n) + " devices)");
    FS_CUDA(cudaSetDevice(index));
    static std::once_flag hooks_once;
    std::call_once(hooks_once, [] { set_device_hooks(DeviceHooks{hook_alloc, hook_free, hook_memset, hook_copy}); });
    auto ctx = std::make_shared<GpuContext>();
    ctx->device = index;
    FS_CUDA(cudaStreamCreateWithFlags(&ctx->stream, cudaStreamNonBlocking));
    FS_CUBLAS(cublasCreate(&ctx->blas));
    FS_CUBLAS(cublasSetStream(ctx->blas, ctx->stream));
    FS_CUBLAS(cublasLtCreate(&ctx->lt));
    ctx->lt_workspace_bytes = size_t{64} << 20;
    FS_CUDA(cudaMalloc(&ctx->lt_workspace, ctx->lt_workspace_bytes));
    FS_CUBLAS(cublasSetWorkspace(ctx->blas, ctx->lt_workspace, ctx->lt_workspace_bytes));
    cudaDeviceProp p{};
    FS_CUDA(cudaGetDeviceProperties(&p, index));
    ctx->sm_count = p.multiProcessorCount;
    return ctx;
}

Status gpu_synchronize(GpuContext& ctx) { return cuda_status(cudaStreamSynchronize(ctx.stream), "cudaStreamSynchronize"); }

}  // namespace farsight
