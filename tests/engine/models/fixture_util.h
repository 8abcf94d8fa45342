// Helpers for the MiniMax golden tests: fixture paths, reference tensors as f32/i64 vectors,
// tolerances from each fixture's meta.json.
#pragma once

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/safetensors.h"

namespace farsight::testfx {

// tests/ of this checkout; FARSIGHT_TEST_DATA in the environment overrides the compiled-in path
// (binaries built here and run from another copy of the tree, e.g. on the GPU machine).
inline std::string test_data_root() {
    const char* env = std::getenv("FARSIGHT_TEST_DATA");
    return env && *env ? std::string(env) : std::string(FARSIGHT_TEST_DATA);
}

inline std::string fixture_dir(const std::string& name) { return test_data_root() + "/fixtures/minimax-text/" + name; }

struct Reference {
    SafetensorsFile file;
    std::vector<float> f32(const std::string& name) const {
        const TensorInfo* t = file.find(name);
        if (!t || t->dtype != DType::f32) return {};
        std::vector<float> v(static_cast<size_t>(t->numel()));
        std::memcpy(v.data(), file.data(*t), t->n_bytes);
        return v;
    }
    std::vector<int32_t> ids(const std::string& name) const {
        const TensorInfo* t = file.find(name);
        std::vector<int32_t> v;
        if (!t || t->dtype != DType::i64) return v;
        for (int64_t i = 0; i < t->numel(); ++i) {
            int64_t x;
            std::memcpy(&x, file.data(*t) + 8 * i, 8);
            v.push_back(static_cast<int32_t>(x));
        }
        return v;
    }
};

struct Tolerance {
    double logits = 0, hidden = 0, state = 0;
};

inline Tolerance tolerance(const std::string& name) {
    std::ifstream f(fixture_dir(name) + "/meta.json");
    nlohmann::json meta = nlohmann::json::parse(f);
    const auto& t = meta["recommended_tolerance_fp32_engine"];
    return {t["logits_atol"].get<double>(), t["hidden_atol"].get<double>(), t["state_atol"].get<double>()};
}

inline double max_abs_diff(const float* a, const float* b, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; ++i) m = std::max(m, static_cast<double>(std::abs(a[i] - b[i])));
    return m;
}

}  // namespace farsight::testfx
