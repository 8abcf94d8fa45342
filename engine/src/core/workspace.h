// Workspace: reusable scratch buffers for activations, owned by a session. A slot grows when a
// larger chunk needs it and is reused afterwards, so steady-state decode allocates nothing.
#pragma once

#include <vector>

#include "core/buffer.h"

namespace farsight {

class Workspace {
public:
    explicit Workspace(Device device = Device::cpu) : m_device(device) {}
    Device device() const { return m_device; }

    // A buffer of at least n elements of dtype for `slot` (contents unspecified).
    Result<TensorView> get(size_t slot, DType dtype, std::initializer_list<int64_t> dims) {
        TensorView v(nullptr, dtype, dims, m_device);
        const uint64_t need = v.nbytes();
        if (slot >= m_slots.size()) m_slots.resize(slot + 1);
        if (m_slots[slot].size() < need) {
            auto b = Buffer::allocate_on(m_device, need + need / 4, /*zero=*/false);
            if (!b.ok()) return b.status();
            m_slots[slot] = std::move(b).value();
        }
        v.data = m_slots[slot].data();
        return v;
    }
    uint64_t bytes() const {
        uint64_t n = 0;
        for (const auto& s : m_slots) n += s.size();
        return n;
    }

private:
    Device m_device = Device::cpu;
    std::vector<Buffer> m_slots;
};

}  // namespace farsight
