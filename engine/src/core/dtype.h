// Element types of tensors on disk and in memory, and scalar conversions (bf16/f16 <-> f32).
// bf16 rounding is round-to-nearest-even, as PyTorch's `.to(torch.bfloat16)`.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace farsight {

enum class DType : uint8_t {
    f32, f16, bf16, f64, i64, i32, i16, i8, u8, boolean,
    // Block-quantized GGUF types (a block of `block_elems` values takes `block_bytes`).
    q8_0, q4_0, q4_1, q4_k, q5_k, q6_k,
};

struct DTypeInfo {
    std::string_view name;
    uint32_t block_elems;  // 1 for scalar types
    uint32_t block_bytes;  // bytes per block (= element size for scalar types)
};

const DTypeInfo& dtype_info(DType t) noexcept;
inline std::string_view dtype_name(DType t) noexcept { return dtype_info(t).name; }
inline bool dtype_is_quantized(DType t) noexcept { return dtype_info(t).block_elems > 1; }

// Bytes needed for n elements; false when n is not a whole number of blocks or it overflows.
bool dtype_bytes(DType t, uint64_t n_elems, uint64_t* out_bytes) noexcept;

inline float bf16_to_f32(uint16_t h) noexcept {
    uint32_t u = static_cast<uint32_t>(h) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

inline uint16_t f32_to_bf16(float f) noexcept {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40);  // NaN stays NaN
    u += 0x7fffu + ((u >> 16) & 1u);
    return static_cast<uint16_t>(u >> 16);
}

// Round an f32 value through bf16 (what a bf16 tensor would store).
inline float round_bf16(float f) noexcept { return bf16_to_f32(f32_to_bf16(f)); }

float f16_to_f32(uint16_t h) noexcept;
uint16_t f32_to_f16(float f) noexcept;

// Bulk conversions (vectorised where the CPU allows).
void convert_to_f32(DType src_type, const void* src, float* dst, int64_t n) noexcept;
void convert_from_f32(const float* src, DType dst_type, void* dst, int64_t n) noexcept;

}  // namespace farsight
