// HostBuffer allocation.
#include "core/buffer.h"

#include <cstring>
#include <string>

namespace farsight {

Result<HostBuffer> HostBuffer::allocate(uint64_t n_bytes, bool zero) {
    HostBuffer b;
    if (n_bytes == 0) return b;
    uint64_t rounded = (n_bytes + 63) & ~uint64_t{63};
    if (rounded < n_bytes) return Status(ErrorCode::size_overflow, "allocation size overflows");
    void* p = std::aligned_alloc(64, rounded);
    if (!p)
        return Status(ErrorCode::out_of_memory,
                      "could not allocate " + std::to_string(n_bytes >> 20) + " MiB of host memory");
    if (zero) std::memset(p, 0, rounded);
    b.m_ptr.reset(p);
    b.m_size = n_bytes;
    return b;
}

}  // namespace farsight
