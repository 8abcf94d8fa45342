// Quantized weights inside the matrix kernels: dequantisation of rows to f32 (prefill panels,
// embedding rows) and integer dot products of a quantized weight row with a quantized activation row
// (decode GEMV), the scheme of ggml's vec_dot: q8_0 activations for q8_0/q4_0 weights, q8_1 for
// q4_1, q8_k for the k-quants. Scalar references (namespace ref) are the test oracle; the
// dispatching entry points use AVX2 kernels.
#pragma once

#include <cstdint>

#include "core/dtype.h"

namespace farsight::quant {

// Rows of any supported weight dtype (f32/f16/bf16 and the quantized types) → f32. n: elements,
// a whole number of blocks.
void dequantize(DType type, const void* src, float* dst, int64_t n);

enum class ActType : uint8_t { q8_0, q8_1, q8_k };
ActType activation_type(DType weight);
// Bytes of one quantized activation row of k elements for weights of `weight` type.
uint64_t activation_row_bytes(DType weight, int64_t k);
// Quantizes one row x[k] to the activation format that pairs with `weight`.
void quantize_activations(DType weight, const float* x, void* dst, int64_t k);
// Σ w[i]·x[i] over one row of k elements (both in their block formats).
float vec_dot(DType weight, int64_t k, const void* w_row, const void* act_row);

namespace ref {
void dequantize(DType type, const void* src, float* dst, int64_t n);
void quantize_q8_0(const float* x, void* dst, int64_t k);
void quantize_q8_1(const float* x, void* dst, int64_t k);
void quantize_q8_k(const float* x, void* dst, int64_t k);
float vec_dot(DType weight, int64_t k, const void* w_row, const void* act_row);
}  // namespace ref

namespace avx2 {
// nullptr-free dispatch: returns false when the type has no AVX2 kernel (the caller uses ref).
bool vec_dot(DType weight, int64_t k, const void* w_row, const void* act_row, float* out);
// Four activation rows at once (prefill), bit-identical to four vec_dot calls; q8_0/q4_0/q4_1.
bool vec_dot4(DType weight, int64_t k, const void* w_row, const void* const act_rows[4], float out[4]);
}  // namespace avx2

// out[r] = vec_dot(weight, k, w_row, act_rows[r]) for r < 4.
void vec_dot4(DType weight, int64_t k, const void* w_row, const void* const act_rows[4], float out[4]);

}  // namespace farsight::quant
