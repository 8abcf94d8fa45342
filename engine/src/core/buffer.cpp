// Buffer allocation on the host (aligned_alloc) or through the device hooks.
#include "core/buffer.h"

#include <cstring>
#include <string>

namespace farsight {

namespace {
DeviceHooks g_hooks;
}

void set_device_hooks(const DeviceHooks& hooks) { g_hooks = hooks; }
const DeviceHooks& device_hooks() { return g_hooks; }

void BufferFree::operator()(void* p) const noexcept {
    if (!p) return;
    if (device == Device::cpu) std::free(p);
    else if (g_hooks.free) g_hooks.free(p);
}

Result<Buffer> Buffer::allocate_on(Device device, uint64_t n_bytes, bool zero) {
    Buffer b;
    b.m_device = device;
    if (n_bytes == 0) return b;
    uint64_t rounded = (n_bytes + 63) & ~uint64_t{63};
    if (rounded < n_bytes) return Status(ErrorCode::size_overflow, "allocation size overflows");
    void* p = nullptr;
    if (device == Device::cpu) {
        p = std::aligned_alloc(64, rounded);
        if (!p)
            return Status(ErrorCode::out_of_memory,
                          "could not allocate " + std::to_string(n_bytes >> 20) + " MiB of host memory");
        if (zero) std::memset(p, 0, rounded);
    } else {
        if (!g_hooks.alloc) return Status(ErrorCode::unsupported, "no GPU runtime in this build");
        std::string err;
        p = g_hooks.alloc(rounded, &err);
        if (!p)
            return Status(ErrorCode::out_of_memory,
                          "could not allocate " + std::to_string(n_bytes >> 20) + " MiB of GPU memory: " + err);
        if (zero && !g_hooks.memset_zero(p, rounded)) {
            g_hooks.free(p);
            return Status(ErrorCode::device_error, "cudaMemset failed");
        }
    }
    b.m_ptr = std::unique_ptr<void, Free>(p, Free{device});
    b.m_size = n_bytes;
    return b;
}

Status copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, uint64_t bytes) {
    if (bytes == 0) return {};
    if (dst_dev == Device::cpu && src_dev == Device::cpu) {
        std::memcpy(dst, src, bytes);
        return {};
    }
    if (!g_hooks.copy) return Status(ErrorCode::unsupported, "no GPU runtime in this build");
    const CopyKind kind = dst_dev == Device::cpu ? CopyKind::device_to_host
                          : src_dev == Device::cpu ? CopyKind::host_to_device
                                                   : CopyKind::device_to_device;
    if (!g_hooks.copy(dst, src, bytes, kind)) return Status(ErrorCode::device_error, "device copy failed");
    return {};
}

}  // namespace farsight
