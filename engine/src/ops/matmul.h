// matmul: y[M, N] = x[M, K] · w[N, K]ᵀ — PyTorch nn.Linear without bias, the engine's workhorse.
// x and y are f32; w is f32, bf16, f16 or a GGUF block-quantized type (q8_0 q4_0 q4_1 q4_k q5_k
// q6_k, dequantised on the fly: ops/quant). Float weights: the CPU path decodes w to f32 and
// accumulates in f32. Quantized weights: decode quantizes x to q8 blocks and uses integer dots.
#pragma once

#include "ops/op_context.h"

namespace farsight {

// Validates shapes/dtypes and dispatches. x: [M, K] f32, w: [N, K], y: [M, N] f32 (may not alias x).
Status matmul(const OpContext& ctx, const TensorView& x, const TensorView& w, const TensorView& y);

// Decodes rows [row0, row0 + n_rows) of a 2-D weight [N, K] to f32 (dst is [n_rows, K]).
void decode_rows_f32(const TensorView& w, int64_t row0, int64_t n_rows, float* dst);

namespace cpu {
void matmul(const OpContext& ctx, const float* x, int64_t m, int64_t k, const TensorView& w, float* y);
// The strategy used for m rows (exposed for the benchmark): small-m GEMV or panel + BLAS.
enum class MatmulStrategy { gemv, blas_panels };
MatmulStrategy matmul_strategy(int64_t m, DType w_dtype);
void matmul_with(MatmulStrategy s, const OpContext& ctx, const float* x, int64_t m, int64_t k, const TensorView& w,
                 float* y);
}  // namespace cpu

}  // namespace farsight
