// Element type table and bulk conversions.
#include "core/dtype.h"

#include <immintrin.h>

#include <cmath>
#include <limits>

namespace farsight {

const DTypeInfo& dtype_info(DType t) noexcept {
    static const DTypeInfo table[] = {
        {"f32", 1, 4},  {"f16", 1, 2},    {"bf16", 1, 2},  {"f64", 1, 8},   {"i64", 1, 8},
        {"i32", 1, 4},  {"i16", 1, 2},    {"i8", 1, 1},    {"u8", 1, 1},    {"bool", 1, 1},
        {"q8_0", 32, 34}, {"q4_0", 32, 18}, {"q4_1", 32, 20}, {"q4_k", 256, 144}, {"q5_k", 256, 176},
        {"q6_k", 256, 210},
    };
    return table[static_cast<int>(t)];
}

bool dtype_bytes(DType t, uint64_t n_elems, uint64_t* out_bytes) noexcept {
    const DTypeInfo& info = dtype_info(t);
    if (n_elems % info.block_elems != 0) return false;
    uint64_t blocks = n_elems / info.block_elems;
    if (blocks > std::numeric_limits<uint64_t>::max() / info.block_bytes) return false;
    *out_bytes = blocks * info.block_bytes;
    return true;
}

float f16_to_f32(uint16_t h) noexcept {
#if defined(__F16C__)
    return _cvtsh_ss(h);
#else
    uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    float f;
    if (exp == 0) {
        f = std::ldexp(static_cast<float>(mant), -24);
    } else if (exp == 31) {
        f = mant ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
    } else {
        f = std::ldexp(static_cast<float>(mant | 0x400), static_cast<int>(exp) - 25);
    }
    uint32_t u;
    std::memcpy(&u, &f, 4);
    u |= sign;
    std::memcpy(&f, &u, 4);
    return f;
#endif
}

uint16_t f32_to_f16(float f) noexcept {
#if defined(__F16C__)
    return _cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT);
#else
    // Portable fallback: round-to-nearest-even via the classic bit manipulation.
    uint32_t x;
    std::memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000u;
    x &= 0x7fffffffu;
    if (x > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u);
    if (x >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);
    if (x < 0x38800000u) {  // subnormal or zero
        float a;
        std::memcpy(&a, &x, 4);
        return static_cast<uint16_t>(sign | static_cast<uint32_t>(std::nearbyint(a * 16777216.0f)));
    }
    uint32_t mant_odd = (x >> 13) & 1u;
    x += 0xc8000fffu + mant_odd;
    return static_cast<uint16_t>(sign | (x >> 13));
#endif
}

void convert_to_f32(DType src_type, const void* src, float* dst, int64_t n) noexcept {
    int64_t i = 0;
    switch (src_type) {
        case DType::f32:
            std::memcpy(dst, src, static_cast<size_t>(n) * 4);
            return;
        case DType::bf16: {
            const uint16_t* s = static_cast<const uint16_t*>(src);
#if defined(__AVX2__)
            for (; i + 8 <= n; i += 8) {
                __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
                __m256i w = _mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16);
                _mm256_storeu_ps(dst + i, _mm256_castsi256_ps(w));
            }
#endif
            for (; i < n; ++i) dst[i] = bf16_to_f32(s[i]);
            return;
        }
        case DType::f16: {
            const uint16_t* s = static_cast<const uint16_t*>(src);
#if defined(__F16C__)
            for (; i + 8 <= n; i += 8)
                _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i))));
#endif
            for (; i < n; ++i) dst[i] = f16_to_f32(s[i]);
            return;
        }
        case DType::f64: {
            const double* s = static_cast<const double*>(src);
            for (; i < n; ++i) dst[i] = static_cast<float>(s[i]);
            return;
        }
        default:
            for (; i < n; ++i) dst[i] = std::numeric_limits<float>::quiet_NaN();
            return;
    }
}

void convert_from_f32(const float* src, DType dst_type, void* dst, int64_t n) noexcept {
    switch (dst_type) {
        case DType::f32:
            std::memcpy(dst, src, static_cast<size_t>(n) * 4);
            return;
        case DType::bf16: {
            uint16_t* d = static_cast<uint16_t*>(dst);
            for (int64_t i = 0; i < n; ++i) d[i] = f32_to_bf16(src[i]);
            return;
        }
        case DType::f16: {
            uint16_t* d = static_cast<uint16_t*>(dst);
            for (int64_t i = 0; i < n; ++i) d[i] = f32_to_f16(src[i]);
            return;
        }
        default:
            return;
    }
}

}  // namespace farsight
