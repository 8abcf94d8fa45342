// Block layouts of the GGUF quantized types (reference: ggml/src/ggml-common.h). Weights use
// q8_0/q4_0/q4_1/q4_k/q5_k/q6_k; activations are quantized to q8_0, q8_1 or q8_k per row before
// the integer dot products, as ggml's vec_dot does.
#pragma once

#include <cstdint>

#include "core/dtype.h"

namespace farsight::quant {

constexpr int kQK = 32;    // elements per block of the 32-wide types
constexpr int kQKK = 256;  // elements per super-block of the k-quants

struct BlockQ8_0 { uint16_t d; int8_t qs[kQK]; };                 // x = d·q
struct BlockQ8_1 { uint16_t d; uint16_t s; int8_t qs[kQK]; };     // s = d·Σq (f16)
struct BlockQ4_0 { uint16_t d; uint8_t qs[kQK / 2]; };            // x = d·(q − 8); q[j] low, q[j+16] high nibble
struct BlockQ4_1 { uint16_t d; uint16_t m; uint8_t qs[kQK / 2]; };  // x = d·q + m
struct BlockQ4K {  // 8 sub-blocks of 32, 6-bit scales and mins packed in 12 bytes
    uint16_t d, dmin;
    uint8_t scales[12];
    uint8_t qs[kQKK / 2];
};
struct BlockQ5K {
    uint16_t d, dmin;
    uint8_t scales[12];
    uint8_t qh[kQKK / 8];
    uint8_t qs[kQKK / 2];
};
struct BlockQ6K {  // 16 sub-blocks of 16, int8 scales
    uint8_t ql[kQKK / 2];
    uint8_t qh[kQKK / 4];
    int8_t scales[kQKK / 16];
    uint16_t d;
};
struct BlockQ8K {  // activations for the k-quants: f32 scale and per-16 sums
    float d;
    int8_t qs[kQKK];
    int16_t bsums[kQKK / 16];
};

static_assert(sizeof(BlockQ8_0) == 34 && sizeof(BlockQ8_1) == 36 && sizeof(BlockQ4_0) == 18 && sizeof(BlockQ4_1) == 20);
static_assert(sizeof(BlockQ4K) == 144 && sizeof(BlockQ5K) == 176 && sizeof(BlockQ6K) == 210 && sizeof(BlockQ8K) == 292);

// Scale j and min j (0..7) of a q4_k/q5_k block (ggml's get_scale_min_k4).
inline void scale_min_k4(int j, const uint8_t* q, uint8_t* d, uint8_t* m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = static_cast<uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        *m = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

}  // namespace farsight::quant
