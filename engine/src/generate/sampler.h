// Sampler: turns a logits row into the next token. Order (as llama.cpp / HF): repetition penalty,
// then greedy when temperature <= 0, else temperature → top-k → softmax → top-p → min-p → draw.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "farsight/engine/status.h"
#include "farsight/engine/types.h"

namespace farsight {

Status validate_sampling(const SamplingParams& p);

class Sampler {
public:
    explicit Sampler(const SamplingParams& params);
    // `logits` is modified (penalties, scaling). `history`: tokens seen so far (for the penalty).
    int32_t sample(std::span<float> logits, std::span<const int32_t> history);

private:
    SamplingParams m_p;
    std::mt19937_64 m_rng;
    std::vector<std::pair<float, int32_t>> m_cand;
};

int32_t argmax(std::span<const float> logits);

}  // namespace farsight
