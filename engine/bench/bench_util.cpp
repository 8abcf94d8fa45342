// Ceilings measured in the same run as each benchmark.
#include "bench_util.h"

#include <cblas.h>
#include <immintrin.h>

#include <cstring>

namespace farsight::bench {

double measure_read_bandwidth(ThreadPool& pool, size_t bytes) {
    std::vector<float> buf(bytes / 4);
    pool.parallel_for(static_cast<int64_t>(buf.size()), [&](int64_t b, int64_t e, int) {
        std::memset(buf.data() + b, 1, static_cast<size_t>(e - b) * 4);
    });
    std::vector<float> sums(static_cast<size_t>(pool.size()));
    const double t = time_median(5, [&] {
        pool.parallel_for(static_cast<int64_t>(buf.size()), [&](int64_t b, int64_t e, int tid) {
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            int64_t i = b;
            for (; i + 32 <= e; i += 32) {
                a0 = _mm256_add_ps(a0, _mm256_loadu_ps(buf.data() + i));
                a1 = _mm256_add_ps(a1, _mm256_loadu_ps(buf.data() + i + 8));
                a2 = _mm256_add_ps(a2, _mm256_loadu_ps(buf.data() + i + 16));
                a3 = _mm256_add_ps(a3, _mm256_loadu_ps(buf.data() + i + 24));
            }
            float tmp[8];
            _mm256_storeu_ps(tmp, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
            sums[static_cast<size_t>(tid)] += tmp[0];
        }, 1 << 16);
    });
    return static_cast<double>(bytes) / t;
}

double measure_sgemm_flops(ThreadPool& pool, int n) {
    openblas_set_num_threads(1);
    std::vector<float> a(static_cast<size_t>(n) * n, 0.5f), b(a.size(), 0.25f), c(a.size());
    const int parts = pool.size();
    const int block = (n + parts - 1) / parts;
    const double t = time_median(3, [&] {
        pool.parallel_for(parts, [&](int64_t p0, int64_t p1, int) {
            for (int64_t p = p0; p < p1; ++p) {
                const int c0 = static_cast<int>(p) * block, cn = std::min(block, n - c0);
                if (cn > 0)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, cn, n, 1.0f, a.data(), n,
                                b.data() + static_cast<size_t>(c0) * n, n, 0.0f, c.data() + c0, n);
            }
        });
    });
    return 2.0 * n * static_cast<double>(n) * n / t;
}

}  // namespace farsight::bench
