// CPU bidirectional attention: per (batch, head) S = QKᵀ·scale and O = softmax(S)·V through
// OpenBLAS on strided views of the packed rows (the engine runs BLAS single-threaded and
// parallelises over heads itself); softmax in f32 with the row max subtracted.
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "ops/attention_full.h"

namespace farsight::cpu {

void attention_full(const OpContext& ctx, const float* qkv, int64_t batch, int64_t t, int64_t n_head, int64_t d,
                    float scale, float* out) {
    const int64_t ld = 3 * n_head * d, ldo = n_head * d;
    ctx.parallel_for(batch * n_head, [&](int64_t w0, int64_t w1, int) {
        thread_local std::vector<float> s;  // [T, T] scores of one head, reused across calls
        s.resize(static_cast<size_t>(t * t));
        for (int64_t w = w0; w < w1; ++w) {
            const int64_t bi = w / n_head, h = w % n_head;
            const float* q = qkv + bi * t * ld + h * d;
            const float* k = q + n_head * d;
            const float* v = k + n_head * d;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(t), static_cast<int>(t),
                        static_cast<int>(d), scale, q, static_cast<int>(ld), k, static_cast<int>(ld), 0.0f, s.data(),
                        static_cast<int>(t));
            for (int64_t i = 0; i < t; ++i) {
                float* row = s.data() + i * t;
                const float mx = *std::max_element(row, row + t);
                float sum = 0.0f;
                for (int64_t j = 0; j < t; ++j) sum += (row[j] = std::exp(row[j] - mx));
                const float inv = 1.0f / sum;
                for (int64_t j = 0; j < t; ++j) row[j] *= inv;
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(t), static_cast<int>(d),
                        static_cast<int>(t), 1.0f, s.data(), static_cast<int>(t), v, static_cast<int>(ld), 0.0f,
                        out + bi * t * ldo + h * d, static_cast<int>(ldo));
        }
    });
}

}  // namespace farsight::cpu
