// Scalar and bulk dtype conversions against exactly representable values and PyTorch's rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/dtype.h"

using namespace farsight;

TEST(DType, Bf16RoundsToNearestEven) {
    EXPECT_EQ(f32_to_bf16(1.0f), 0x3f80);
    // 1 + 2^-8 is exactly halfway between 1 and 1 + 2^-7: ties go to even (1.0).
    EXPECT_EQ(f32_to_bf16(1.0f + std::ldexp(1.0f, -8)), 0x3f80);
    EXPECT_EQ(f32_to_bf16(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3f82);
    EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(NAN))));
}

TEST(DType, F16RoundTrip) {
    for (float v : {0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f, 5.9604645e-08f})
        EXPECT_EQ(f16_to_f32(f32_to_f16(v)), v) << v;
}

TEST(DType, BulkConversionMatchesScalar) {
    std::vector<uint16_t> h(37);
    for (size_t i = 0; i < h.size(); ++i) h[i] = f32_to_bf16(static_cast<float>(i) * 0.37f - 3.0f);
    std::vector<float> out(h.size());
    convert_to_f32(DType::bf16, h.data(), out.data(), static_cast<int64_t>(h.size()));
    for (size_t i = 0; i < h.size(); ++i) EXPECT_EQ(out[i], bf16_to_f32(h[i]));
}

TEST(DType, BytesOfQuantizedBlocks) {
    uint64_t b = 0;
    EXPECT_TRUE(dtype_bytes(DType::q8_0, 64, &b));
    EXPECT_EQ(b, 68u);
    EXPECT_FALSE(dtype_bytes(DType::q4_k, 100, &b));  // not a whole block
    EXPECT_FALSE(dtype_bytes(DType::f64, ~uint64_t{0} / 2, &b));  // overflow
}
