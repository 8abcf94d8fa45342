// CPU matmul: small m (decode) streams the weight once with AVX2 dot products, converting
// bf16/f16 on the fly; large m (prefill) converts weight panels to f32 and calls OpenBLAS sgemm
// on each panel from our own thread pool (OpenBLAS itself runs single-threaded). Quantized weights
// (ops/quant): decode quantizes the x rows to q8 blocks once and streams integer dot products;
// prefill dequantises panels to f32 for sgemm, so no whole matrix is ever expanded.
#include <cblas.h>
#include <immintrin.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "ops/matmul.h"
#include "ops/quant/quant.h"

namespace farsight {

void decode_rows_f32(const TensorView& w, int64_t row0, int64_t n_rows, float* dst) {
    const int64_t k = w.dim(1);
    const uint8_t* base = static_cast<const uint8_t*>(w.data) + static_cast<uint64_t>(row0) * w.row_bytes();
    if (dtype_is_quantized(w.dtype)) quant::dequantize(w.dtype, base, dst, n_rows * k);
    else convert_to_f32(w.dtype, base, dst, n_rows * k);
}

namespace cpu {
namespace {

constexpr int64_t kGemvMaxRows = 4;   // rows of x handled together by the GEMV kernel
constexpr int64_t kGemvRowLimit = 1;  // up to this m, the GEMV path wins (engine/bench/bench_matmul_cpu)
constexpr int64_t kPanelRows = 32;    // weight rows converted per sgemm call
constexpr int64_t kQuantGemvRowLimit = INT64_MAX;  // quantized weights: always the integer path (see gemv_quant)

inline float hsum(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}

template <DType D>
inline __m256 load8(const void* w, int64_t i) {
    if constexpr (D == DType::f32) {
        return _mm256_loadu_ps(static_cast<const float*>(w) + i);
    } else if constexpr (D == DType::bf16) {
        __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(w) + i));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    } else {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(w) + i)));
    }
}

template <DType D>
inline float load1(const void* w, int64_t i) {
    if constexpr (D == DType::f32) return static_cast<const float*>(w)[i];
    else if constexpr (D == DType::bf16) return bf16_to_f32(static_cast<const uint16_t*>(w)[i]);
    else return f16_to_f32(static_cast<const uint16_t*>(w)[i]);
}

// y[r, n] for r < R (R <= kGemvMaxRows) over weight rows [n0, n1).
template <DType D, int R>
void gemv_rows(const float* x, int64_t k, const TensorView& w, float* y, int64_t ldy, int64_t n0, int64_t n1) {
    const uint64_t row_bytes = w.row_bytes();
    for (int64_t n = n0; n < n1; ++n) {
        const void* wr = static_cast<const uint8_t*>(w.data) + static_cast<uint64_t>(n) * row_bytes;
        __m256 acc0[R], acc1[R];
        for (int r = 0; r < R; ++r) acc0[r] = acc1[r] = _mm256_setzero_ps();
        int64_t i = 0;
        for (; i + 16 <= k; i += 16) {
            __m256 w0 = load8<D>(wr, i), w1 = load8<D>(wr, i + 8);
            for (int r = 0; r < R; ++r) {
                acc0[r] = _mm256_fmadd_ps(_mm256_loadu_ps(x + r * k + i), w0, acc0[r]);
                acc1[r] = _mm256_fmadd_ps(_mm256_loadu_ps(x + r * k + i + 8), w1, acc1[r]);
            }
        }
        for (; i + 8 <= k; i += 8) {
            __m256 w0 = load8<D>(wr, i);
            for (int r = 0; r < R; ++r) acc0[r] = _mm256_fmadd_ps(_mm256_loadu_ps(x + r * k + i), w0, acc0[r]);
        }
        for (int r = 0; r < R; ++r) {
            float s = hsum(_mm256_add_ps(acc0[r], acc1[r]));
            for (int64_t j = i; j < k; ++j) s += x[r * k + j] * load1<D>(wr, j);
            y[r * ldy + n] = s;
        }
    }
}

// One row of x: four independent accumulators keep the FMA pipes busy while the weight streams.
template <DType D>
void gemv_one(const float* x, int64_t k, const TensorView& w, float* y, int64_t n0, int64_t n1) {
    const uint64_t row_bytes = w.row_bytes();
    for (int64_t n = n0; n < n1; ++n) {
        const void* wr = static_cast<const uint8_t*>(w.data) + static_cast<uint64_t>(n) * row_bytes;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        int64_t i = 0;
        for (; i + 32 <= k; i += 32) {
            a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), load8<D>(wr, i), a0);
            a1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), load8<D>(wr, i + 8), a1);
            a2 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 16), load8<D>(wr, i + 16), a2);
            a3 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 24), load8<D>(wr, i + 24), a3);
        }
        for (; i + 8 <= k; i += 8) a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), load8<D>(wr, i), a0);
        float s = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
        for (; i < k; ++i) s += x[i] * load1<D>(wr, i);
        y[n] = s;
    }
}

template <DType D>
void gemv_dispatch(const float* x, int64_t rows, int64_t k, const TensorView& w, float* y, int64_t ldy, int64_t n0,
                   int64_t n1) {
    switch (rows) {
        case 1: gemv_one<D>(x, k, w, y, n0, n1); break;
        case 2: gemv_rows<D, 2>(x, k, w, y, ldy, n0, n1); break;
        case 3: gemv_rows<D, 3>(x, k, w, y, ldy, n0, n1); break;
        default: gemv_rows<D, 4>(x, k, w, y, ldy, n0, n1); break;
    }
}

void gemv(const OpContext& ctx, const float* x, int64_t m, int64_t k, const TensorView& w, float* y) {
    const int64_t n = w.dim(0);
    // Enough rows per task that each thread streams a long contiguous run of the weight.
    const int64_t grain = std::max<int64_t>(8, std::min<int64_t>(256, n / (ctx.n_threads() * 4) + 1));
    ctx.parallel_for(n, [&](int64_t n0, int64_t n1, int) {
        for (int64_t r0 = 0; r0 < m; r0 += kGemvMaxRows) {
            const int64_t rows = std::min(kGemvMaxRows, m - r0);
            const float* xr = x + r0 * k;
            float* yr = y + r0 * n;
            switch (w.dtype) {
                case DType::f32: gemv_dispatch<DType::f32>(xr, rows, k, w, yr, n, n0, n1); break;
                case DType::bf16: gemv_dispatch<DType::bf16>(xr, rows, k, w, yr, n, n0, n1); break;
                default: gemv_dispatch<DType::f16>(xr, rows, k, w, yr, n, n0, n1); break;
            }
        }
    }, grain);
}

// Quantized weights, any m: x rows → q8 blocks (once, in parallel), then integer dots, as ggml's
// mul_mat does for every batch size: prefill and decode see the same numerics (a token's logits do
// not depend on how the prompt was chunked) and match llama.cpp's. Tiles of weight rows stay in L1
// while every x row streams past them.
void gemv_quant(const OpContext& ctx, const float* x, int64_t m, int64_t k, const TensorView& w, float* y) {
    const int64_t n = w.dim(0);
    const uint64_t act_bytes = quant::activation_row_bytes(w.dtype, k), row_bytes = w.row_bytes();
    thread_local std::vector<uint8_t> act;
    act.resize(static_cast<size_t>(act_bytes * static_cast<uint64_t>(m)));
    uint8_t* a = act.data();  // the caller's thread_local buffer, read by the pool's threads
    if (m == 1) quant::quantize_activations(w.dtype, x, a, k);
    else
        ctx.parallel_for(m, [&](int64_t r0, int64_t r1, int) {
            for (int64_t r = r0; r < r1; ++r) quant::quantize_activations(w.dtype, x + r * k, a + r * act_bytes, k);
        });
    constexpr int64_t kTile = 16;
    const int64_t n_tiles = (n + kTile - 1) / kTile;
    const int64_t grain = std::max<int64_t>(1, std::min<int64_t>(16, n_tiles / (ctx.n_threads() * 4) + 1));
    ctx.parallel_for(n_tiles, [&](int64_t t0, int64_t t1, int) {
        for (int64_t tile = t0; tile < t1; ++tile) {
            const int64_t j0 = tile * kTile, j1 = std::min(n, j0 + kTile);
            int64_t r = 0;
            for (; r + 4 <= m; r += 4)  // four x rows share each unpacked weight block
                for (int64_t j = j0; j < j1; ++j) {
                    const uint8_t* wr = static_cast<const uint8_t*>(w.data) + static_cast<uint64_t>(j) * row_bytes;
                    const void* rows[4] = {a + r * act_bytes, a + (r + 1) * act_bytes, a + (r + 2) * act_bytes, a + (r + 3) * act_bytes};
                    float o[4];
                    quant::vec_dot4(w.dtype, k, wr, rows, o);
                    for (int q = 0; q < 4; ++q) y[(r + q) * n + j] = o[q];
                }
            for (; r < m; ++r)
                for (int64_t j = j0; j < j1; ++j) {
                    const uint8_t* wr = static_cast<const uint8_t*>(w.data) + static_cast<uint64_t>(j) * row_bytes;
                    y[r * n + j] = quant::vec_dot(w.dtype, k, wr, a + r * act_bytes);
                }
        }
    }, grain);
}

void blas_single_threaded() {
    static std::once_flag once;
    std::call_once(once, [] { openblas_set_num_threads(1); });
}

void blas_panels(const OpContext& ctx, const float* x, int64_t m, int64_t k, const TensorView& w, float* y) {
    blas_single_threaded();
    const int64_t n = w.dim(0);
    if (w.dtype == DType::f32) {
        // No conversion needed: one sgemm per thread over a contiguous block of weight rows.
        const int64_t parts = std::min<int64_t>(ctx.n_threads(), (n + 15) / 16);
        const int64_t block = (n + parts - 1) / parts;
        ctx.parallel_for(parts, [&](int64_t p0, int64_t p1, int) {
            for (int64_t p = p0; p < p1; ++p) {
                const int64_t c0 = p * block, cn = std::min(block, n - c0);
                if (cn <= 0) continue;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(m), static_cast<int>(cn),
                            static_cast<int>(k), 1.0f, x, static_cast<int>(k), w.as<const float>() + c0 * k,
                            static_cast<int>(k), 0.0f, y + c0, static_cast<int>(n));
            }
        });
        return;
    }
    const int64_t n_panels = (n + kPanelRows - 1) / kPanelRows;
    ctx.parallel_for(n_panels, [&](int64_t p0, int64_t p1, int) {
        thread_local std::vector<float> panel;
        panel.resize(static_cast<size_t>(kPanelRows * k));
        for (int64_t p = p0; p < p1; ++p) {
            const int64_t c0 = p * kPanelRows, cn = std::min(kPanelRows, n - c0);
            decode_rows_f32(w, c0, cn, panel.data());
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(m), static_cast<int>(cn),
                        static_cast<int>(k), 1.0f, x, static_cast<int>(k), panel.data(), static_cast<int>(k), 0.0f,
                        y + c0, static_cast<int>(n));
        }
    });
}

}  // namespace

MatmulStrategy matmul_strategy(int64_t m, DType w_dtype) {
    const int64_t limit = dtype_is_quantized(w_dtype) ? kQuantGemvRowLimit : kGemvRowLimit;
    return m <= limit ? MatmulStrategy::gemv : MatmulStrategy::blas_panels;
}

void matmul_with(MatmulStrategy s, const OpContext& ctx, const float* x, int64_t m, int64_t k, const TensorView& w,
                 float* y) {
    if (m <= 0) return;
    if (s == MatmulStrategy::gemv && dtype_is_quantized(w.dtype)) gemv_quant(ctx, x, m, k, w, y);
    else if (s == MatmulStrategy::gemv) gemv(ctx, x, m, k, w, y);
    else blas_panels(ctx, x, m, k, w, y);
}

void matmul(const OpContext& ctx, const float* x, int64_t m, int64_t k, const TensorView& w, float* y) {
    matmul_with(matmul_strategy(m, w.dtype), ctx, x, m, k, w, y);
}

}  // namespace cpu
}  // namespace farsight
