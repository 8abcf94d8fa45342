// DeviceHooks: how core allocates and copies device memory without depending on a GPU runtime.
// The CUDA runtime (runtime/cuda) installs them when it initialises; without it, device
// allocations fail with ErrorCode::unsupported.
#pragma once

#include <cstdint>
#include <string>

namespace farsight {

enum class CopyKind : uint8_t { host_to_device, device_to_host, device_to_device };

struct DeviceHooks {
    // Returns nullptr and sets *error on failure (out of memory, no device).
    void* (*alloc)(uint64_t bytes, std::string* error) = nullptr;
    void (*free)(void* ptr) = nullptr;
    bool (*memset_zero)(void* ptr, uint64_t bytes) = nullptr;
    bool (*copy)(void* dst, const void* src, uint64_t bytes, CopyKind kind) = nullptr;  // synchronous
};

// Installed once by the runtime; read by Buffer and the state/snapshot code.
void set_device_hooks(const DeviceHooks& hooks);
const DeviceHooks& device_hooks();

}  // namespace farsight
