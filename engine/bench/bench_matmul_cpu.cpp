// CPU matmul strategies on MiniMax projection shapes: the AVX2 GEMV (bf16 decoded on the fly)
// against panel conversion + OpenBLAS sgemm, for m = 1 … 256 rows. Decides the crossover used by
// ops/cpu/matmul_cpu.cpp. Baselines from the same run: read bandwidth and sgemm FLOP/s.
// Usage: bench_matmul_cpu [--threads N] [--json FILE]
#include <cstring>

#include "bench_util.h"
#include "core/buffer.h"
#include "ops/matmul.h"

using namespace farsight;

int main(int argc, char** argv) {
    int threads = 0;
    std::string json_path;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--json")) json_path = argv[i + 1];
    }
    ThreadPool pool(threads);
    OpContext ctx{Device::cpu, &pool, nullptr};
    const double bw = bench::measure_read_bandwidth(pool);
    const double peak = bench::measure_sgemm_flops(pool);
    std::printf("threads=%d read_bandwidth_GBps=%.2f sgemm_GFLOPs=%.1f\n", pool.size(), bw / 1e9, peak / 1e9);
    std::printf("%-6s %-6s %-6s %-5s | %-12s %-9s | %-12s %-9s | %s\n", "n", "k", "m", "dtype", "gemv ms", "GB/s|GF/s",
                "blas ms", "GB/s|GF/s", "faster");
    nlohmann::json rows = nlohmann::json::array();
    const struct { int64_t n, k; } shapes[] = {{8192, 6144}, {6144, 8192}, {9216, 6144}};
    for (auto s : shapes) {
        TensorView w(nullptr, DType::bf16, {s.n, s.k});
        auto wb = HostBuffer::allocate(w.nbytes(), false).value();
        for (int64_t i = 0; i < w.numel(); ++i) wb.as<uint16_t>()[i] = f32_to_bf16(static_cast<float>((i * 7919) % 1000) * 1e-4f);
        w.data = wb.data();
        for (int64_t m : {1, 2, 4, 8, 16, 32, 64, 256}) {
            std::vector<float> x(static_cast<size_t>(m * s.k), 0.01f), y(static_cast<size_t>(m * s.n));
            const int reps = m <= 8 ? 5 : 3;
            const double tg = bench::time_median(reps, [&] { cpu::matmul_with(cpu::MatmulStrategy::gemv, ctx, x.data(), m, s.k, w, y.data()); });
            const double tb = bench::time_median(reps, [&] { cpu::matmul_with(cpu::MatmulStrategy::blas_panels, ctx, x.data(), m, s.k, w, y.data()); });
            const double flops = 2.0 * m * s.n * s.k, bytes = static_cast<double>(w.nbytes());
            auto rate = [&](double t) { return m <= 8 ? bytes / t / 1e9 : flops / t / 1e9; };
            std::printf("%-6lld %-6lld %-6lld %-5s | %-12.3f %-9.1f | %-12.3f %-9.1f | %s\n", (long long)s.n, (long long)s.k,
                        (long long)m, "bf16", tg * 1e3, rate(tg), tb * 1e3, rate(tb), tg < tb ? "gemv" : "blas");
            rows.push_back({{"n", s.n}, {"k", s.k}, {"m", m}, {"dtype", "bf16"}, {"gemv_ms", tg * 1e3}, {"blas_ms", tb * 1e3},
                            {"gemv_gbps", bytes / tg / 1e9}, {"blas_gflops", flops / tb / 1e9}});
        }
    }
    bench::write_json(json_path, {{"bench", "matmul_cpu"}, {"threads", pool.size()}, {"read_bandwidth_gbps", bw / 1e9},
                                  {"sgemm_gflops", peak / 1e9}, {"rows", rows}});
    return 0;
}
