// Sampler implementation.
#include "generate/sampler.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace farsight {

Status validate_sampling(const SamplingParams& p) {
    auto bad = [](const std::string& m) { return Status(ErrorCode::invalid_argument, m); };
    if (!std::isfinite(p.temperature) || p.temperature < 0) return bad("temperature must be >= 0");
    if (p.top_k < 0) return bad("top_k must be >= 0");
    if (!(p.top_p > 0 && p.top_p <= 1)) return bad("top_p must be in (0, 1]");
    if (!(p.min_p >= 0 && p.min_p <= 1)) return bad("min_p must be in [0, 1]");
    if (!(p.repetition_penalty > 0) || !std::isfinite(p.repetition_penalty)) return bad("repetition_penalty must be > 0");
    if (p.repetition_window < 0) return bad("repetition_window must be >= 0");
    return {};
}

int32_t argmax(std::span<const float> logits) {
    return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

Sampler::Sampler(const SamplingParams& params) : m_p(params), m_rng(params.seed) {}

int32_t Sampler::sample(std::span<float> logits, std::span<const int32_t> history) {
    const int64_t n = static_cast<int64_t>(logits.size());
    if (m_p.repetition_penalty != 1.0f && m_p.repetition_window > 0) {
        const size_t start = history.size() > static_cast<size_t>(m_p.repetition_window)
                                 ? history.size() - static_cast<size_t>(m_p.repetition_window) : 0;
        std::unordered_set<int32_t> seen(history.begin() + static_cast<std::ptrdiff_t>(start), history.end());
        for (int32_t id : seen) {
            if (id < 0 || id >= n) continue;
            float& l = logits[static_cast<size_t>(id)];
            l = l > 0 ? l / m_p.repetition_penalty : l * m_p.repetition_penalty;
        }
    }
    if (m_p.temperature <= 0.0f || m_p.top_k == 1) return argmax(logits);

    m_cand.clear();
    m_cand.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) m_cand.emplace_back(logits[static_cast<size_t>(i)] / m_p.temperature, static_cast<int32_t>(i));
    auto by_logit = [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); };
    size_t keep = m_cand.size();
    if (m_p.top_k > 0 && static_cast<size_t>(m_p.top_k) < keep) {
        keep = static_cast<size_t>(m_p.top_k);
        std::partial_sort(m_cand.begin(), m_cand.begin() + static_cast<std::ptrdiff_t>(keep), m_cand.end(), by_logit);
    } else {
        std::sort(m_cand.begin(), m_cand.end(), by_logit);
    }
    m_cand.resize(keep);
    // Softmax over the candidates (sorted descending).
    const float mx = m_cand[0].first;
    double sum = 0;
    for (auto& c : m_cand) sum += (c.first = std::exp(c.first - mx));
    for (auto& c : m_cand) c.first = static_cast<float>(c.first / sum);
    if (m_p.top_p < 1.0f) {
        double cum = 0;
        size_t k = 0;
        while (k < m_cand.size()) {
            cum += m_cand[k].first;
            ++k;
            if (cum >= m_p.top_p) break;
        }
        m_cand.resize(std::max<size_t>(1, k));
    }
    if (m_p.min_p > 0.0f) {
        const float floor = m_cand[0].first * m_p.min_p;
        size_t k = 1;
        while (k < m_cand.size() && m_cand[k].first >= floor) ++k;
        m_cand.resize(k);
    }
    double total = 0;
    for (const auto& c : m_cand) total += c.first;
    std::uniform_real_distribution<double> u(0.0, total);
    double r = u(m_rng), acc = 0;
    for (const auto& c : m_cand) {
        acc += c.first;
        if (r < acc) return c.second;
    }
    return m_cand.back().second;
}

}  // namespace farsight
