// Benchmark helpers: wall-clock timing (median of repeats), the machine's measured ceilings
// (streaming read bandwidth, f32 GEMM rate) used as same-run baselines, and JSON output.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/thread_pool.h"

namespace farsight::bench {

inline double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Median seconds of `reps` runs after one warm-up.
inline double time_median(int reps, const std::function<void()>& fn) {
    fn();
    std::vector<double> t;
    for (int i = 0; i < reps; ++i) {
        const double t0 = now_s();
        fn();
        t.push_back(now_s() - t0);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

// Read bandwidth (bytes/s) summing a buffer much larger than the caches, on `pool`'s threads.
double measure_read_bandwidth(ThreadPool& pool, size_t bytes = size_t{1} << 30);
// f32 GEMM rate (FLOP/s) of OpenBLAS sgemm at m = n = k = `size`, split across `pool`'s threads.
double measure_sgemm_flops(ThreadPool& pool, int size = 1536);

inline void write_json(const std::string& path, const nlohmann::json& j) {
    if (path.empty()) return;
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        return;
    }
    const std::string s = j.dump(2);
    std::fwrite(s.data(), 1, s.size(), f);
    std::fclose(f);
}

}  // namespace farsight::bench
