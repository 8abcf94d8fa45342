// Dispatch of the quant entry points: AVX2 kernels where they exist, the scalar reference otherwise.
#include "ops/quant/quant.h"

#include <type_traits>

#include <algorithm>
#include <cmath>

#include "ops/quant/quant_formats.h"

namespace farsight::quant {
namespace {

// ggml-cpu's x86 quantize_row_q8_0/q8_1 (the path llama.cpp runs on this hardware): scale by
// 127/amax (not 1/d) and round half to even (_mm256_round_ps), which differs from the portable
// reference at rounding boundaries. Matching it keeps greedy decoding in step with llama.cpp.
template <bool WithSum>
void quantize_q8_x86(const float* x, void* dst, int64_t k) {
    using Block = std::conditional_t<WithSum, BlockQ8_1, BlockQ8_0>;
    auto* y = static_cast<Block*>(dst);
    for (int64_t i = 0; i < k / kQK; ++i, x += kQK) {
        float amax = 0;
        for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
        const float d = amax / 127.0f, id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[i].d = f32_to_f16(d);
        int sum = 0;
        for (int j = 0; j < kQK; ++j) {
            y[i].qs[j] = static_cast<int8_t>(std::nearbyint(x[j] * id));
            sum += y[i].qs[j];
        }
        if constexpr (WithSum) y[i].s = f32_to_f16(d * static_cast<float>(sum));
    }
}

}  // namespace

void dequantize(DType type, const void* src, float* dst, int64_t n) { ref::dequantize(type, src, dst, n); }

ActType activation_type(DType weight) {
    switch (weight) {
        case DType::q4_1: return ActType::q8_1;
        case DType::q4_k: case DType::q5_k: case DType::q6_k: return ActType::q8_k;
        default: return ActType::q8_0;
    }
}

uint64_t activation_row_bytes(DType weight, int64_t k) {
    switch (activation_type(weight)) {
        case ActType::q8_0: return static_cast<uint64_t>(k / kQK) * sizeof(BlockQ8_0);
        case ActType::q8_1: return static_cast<uint64_t>(k / kQK) * sizeof(BlockQ8_1);
        case ActType::q8_k: return static_cast<uint64_t>(k / kQKK) * sizeof(BlockQ8K);
    }
    return 0;
}

void quantize_activations(DType weight, const float* x, void* dst, int64_t k) {
    switch (activation_type(weight)) {
        case ActType::q8_0: quantize_q8_x86<false>(x, dst, k); return;
        case ActType::q8_1: quantize_q8_x86<true>(x, dst, k); return;
        case ActType::q8_k: ref::quantize_q8_k(x, dst, k); return;
    }
}

float vec_dot(DType weight, int64_t k, const void* w_row, const void* act_row) {
    float out;
    if (avx2::vec_dot(weight, k, w_row, act_row, &out)) return out;
    return ref::vec_dot(weight, k, w_row, act_row);
}

void vec_dot4(DType weight, int64_t k, const void* w_row, const void* const act_rows[4], float out[4]) {
    if (avx2::vec_dot4(weight, k, w_row, act_rows, out)) return;
    for (int r = 0; r < 4; ++r) out[r] = vec_dot(weight, k, w_row, act_rows[r]);
}

}  // namespace farsight::quant
