// HostBuffer: an owned, 64-byte-aligned host allocation that reports failure as a Status
// instead of throwing (out-of-memory is a user-facing error, not a crash).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>

#include "core/tensor.h"
#include "farsight/engine/status.h"

namespace farsight {

class HostBuffer {
public:
    HostBuffer() = default;
    static Result<HostBuffer> allocate(uint64_t n_bytes, bool zero = true);

    void* data() const noexcept { return m_ptr.get(); }
    uint64_t size() const noexcept { return m_size; }
    template <class T> T* as() const noexcept { return static_cast<T*>(m_ptr.get()); }

    TensorView view(DType dtype, std::initializer_list<int64_t> dims) const {
        return TensorView(m_ptr.get(), dtype, dims);
    }

private:
    struct Free { void operator()(void* p) const noexcept { std::free(p); } };
    std::unique_ptr<void, Free> m_ptr;
    uint64_t m_size = 0;
};

}  // namespace farsight
