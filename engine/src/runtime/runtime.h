// Backends: which devices exist and how to start one. The only place that knows whether the build
// has CUDA (runtime/cuda when it has, runtime/cpu_only.cpp when not); everything else asks here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "farsight/engine/status.h"

namespace farsight {

struct GpuInfo {
    int index = 0;
    std::string name;
    int cc_major = 0, cc_minor = 0;
    int sm_count = 0;
    uint64_t total_memory = 0, free_memory = 0;
    uint64_t l2_bytes = 0;
};

// False when the build has no CUDA backend or no device is visible.
bool cuda_build();
int gpu_count();  // 0 without CUDA or without a device
Result<GpuInfo> gpu_info(int index);

// Everything one GPU stream needs (stream, cuBLAS/cuBLASLt handles, scratch); opaque outside
// runtime/cuda and ops/cuda. OpContext::stream points at one.
class GpuContext;
// Selects the device, installs the device-memory hooks and creates a stream context.
Result<std::shared_ptr<GpuContext>> create_gpu_context(int index);
// Blocks until the context's stream is idle; reports asynchronous kernel errors.
Status gpu_synchronize(GpuContext& ctx);

}  // namespace farsight
