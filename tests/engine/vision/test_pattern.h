// Deterministic RGB8 test images and the 64-bit checksum, mirroring scripts/vision/test_pattern.py
// integer for integer (goldens store checksums, not pixels).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "vision/image.h"

namespace farsight::vision::testing {

inline uint64_t mix(uint64_t x, uint64_t y, uint64_t c, uint64_t seed) {
    uint64_t h = ((x * 73856093ull) ^ (y * 19349663ull) ^ (c * 83492791ull) ^ (seed * 2654435761ull)) & 0xFFFFFFFFull;
    h ^= h >> 13;
    h = (h * 0x5BD1E995ull) & 0xFFFFFFFFull;
    h ^= h >> 15;
    return h;
}

inline int64_t floordiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

inline Rgb8Image pattern(int w, int h, int kind, uint64_t seed) {
    Rgb8Image img = Rgb8Image::create(w, h).value();
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c) {
                const int64_t noise = static_cast<int64_t>(mix(x, y, c, seed) & 0xFF);
                int64_t v;
                if (kind == 0) v = noise;
                else if (kind == 1)
                    v = (int64_t{x} * 255 / std::max(1, w - 1) + int64_t{y} * 255 / std::max(1, h - 1) + c * 40) / 2 +
                        (noise & 31) - 16;
                else if (kind == 2) v = ((x / (3 + c)) + (y / (5 + c))) % 2 == 0 ? 250 : 5;
                else {
                    const int64_t dx = x - w / 2, dy = y - h / 2;
                    v = ((dx * dx + dy * dy) / (7 + 3 * c) * 37 + c * 60) % 256;
                }
                img.row(y)[3 * x + c] = static_cast<uint8_t>(std::clamp<int64_t>(v, 0, 255));
            }
    return img;
}

// sum_i (v_i + 1) * (i * 0x9E3779B97F4A7C15 + 1) mod 2^64 over bytes (u8) or bit patterns (f32).
template <class T>
inline std::string checksum(const T* v, size_t n) {
    uint64_t s = 0;
    for (size_t i = 0; i < n; ++i) {
        uint64_t u;
        if constexpr (sizeof(T) == 4) {
            uint32_t b;
            std::memcpy(&b, &v[i], 4);
            u = b;
        } else {
            u = static_cast<uint8_t>(v[i]);
        }
        s += (u + 1) * (static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ull + 1);
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(s));
    return buf;
}

}  // namespace farsight::vision::testing
