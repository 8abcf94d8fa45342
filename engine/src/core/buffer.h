// Buffer: an owned, 64-byte-aligned allocation on the host or the device that reports failure as
// a Status instead of throwing (out-of-memory is a user-facing error, not a crash).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "core/device_hooks.h"
#include "core/tensor.h"
#include "farsight/engine/status.h"

namespace farsight {

// Frees host memory with std::free and device memory through the device hooks.
struct BufferFree {
    Device device = Device::cpu;
    void operator()(void* p) const noexcept;
};

class Buffer {
public:
    Buffer() = default;
    // Host memory (the common case).
    static Result<Buffer> allocate(uint64_t n_bytes, bool zero = true) { return allocate_on(Device::cpu, n_bytes, zero); }
    static Result<Buffer> allocate_on(Device device, uint64_t n_bytes, bool zero = true);

    void* data() const noexcept { return m_ptr.get(); }
    uint64_t size() const noexcept { return m_size; }
    Device device() const noexcept { return m_device; }
    template <class T> T* as() const noexcept { return static_cast<T*>(m_ptr.get()); }

    TensorView view(DType dtype, std::initializer_list<int64_t> dims) const {
        return TensorView(m_ptr.get(), dtype, dims, m_device);
    }

private:
    using Free = BufferFree;
    std::unique_ptr<void, Free> m_ptr;
    uint64_t m_size = 0;
    Device m_device = Device::cpu;
};

using HostBuffer = Buffer;

// Synchronous copy between any two memories (host or device) of `bytes`.
Status copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, uint64_t bytes);

}  // namespace farsight
