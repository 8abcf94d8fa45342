// TensorView: a non-owning, contiguous, row-major view (shape outermost first, like PyTorch).
// Owners are Model (weights, usually an mmap) and Session (state, activations).
#pragma once

#include <array>
#include <cassert>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "core/dtype.h"

namespace farsight {

enum class Device : uint8_t { cpu, cuda };

struct TensorView {
    static constexpr int kMaxRank = 4;

    void* data = nullptr;
    DType dtype = DType::f32;
    Device device = Device::cpu;
    int rank = 0;
    std::array<int64_t, kMaxRank> shape{};

    TensorView() = default;
    TensorView(void* data_, DType dtype_, std::initializer_list<int64_t> dims, Device dev = Device::cpu)
        : data(data_), dtype(dtype_), device(dev), rank(static_cast<int>(dims.size())) {
        assert(dims.size() <= kMaxRank);
        int i = 0;
        for (int64_t d : dims) shape[i++] = d;
    }

    bool empty() const noexcept { return data == nullptr; }
    int64_t dim(int i) const noexcept { return i < 0 ? shape[rank + i] : shape[i]; }
    int64_t numel() const noexcept {
        int64_t n = 1;
        for (int i = 0; i < rank; ++i) n *= shape[i];
        return n;
    }
    uint64_t nbytes() const noexcept {
        uint64_t b = 0;
        dtype_bytes(dtype, static_cast<uint64_t>(numel()), &b);
        return b;
    }
    // Row stride in bytes for a 2-D (or flattened-to-2-D) view: [rows, cols].
    uint64_t row_bytes() const noexcept {
        uint64_t b = 0;
        dtype_bytes(dtype, static_cast<uint64_t>(dim(-1)), &b);
        return b;
    }
    int64_t rows() const noexcept { return rank == 0 ? 1 : numel() / dim(-1); }

    template <class T> T* as() const noexcept { return static_cast<T*>(data); }
    float* f32() const noexcept { assert(dtype == DType::f32); return static_cast<float*>(data); }

    // Row i of the view flattened to [rows, dim(-1)].
    TensorView row(int64_t i) const noexcept {
        TensorView v = *this;
        v.data = static_cast<uint8_t*>(data) + static_cast<uint64_t>(i) * row_bytes();
        v.rank = 1;
        v.shape = {dim(-1), 0, 0, 0};
        return v;
    }
    // Rows [begin, begin + n) along the outermost dimension.
    TensorView slice_rows(int64_t begin, int64_t n) const noexcept {
        TensorView v = *this;
        uint64_t outer_bytes = nbytes() / static_cast<uint64_t>(shape[0] == 0 ? 1 : shape[0]);
        v.data = static_cast<uint8_t*>(data) + static_cast<uint64_t>(begin) * outer_bytes;
        v.shape[0] = n;
        return v;
    }
    TensorView reshaped(std::initializer_list<int64_t> dims) const noexcept {
        TensorView v(data, dtype, dims, device);
        assert(v.numel() == numel());
        return v;
    }

    std::string shape_string() const;  // "[24576, 6144]"
};

}  // namespace farsight
