// Rebuilds the generated inputs of the tokenizer parity corpus (tests/fixtures/tokenizers/corpus.json) with
// the rule of scripts/tokenizer/corpus.py: splitmix64-picked snippets + separators, or a repeated unit.
// Shared by the golden tests and engine/bench/tokenizer.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace farsight::tokenizer_corpus {

inline uint64_t splitmix64(uint64_t& state) {
    state += 0x9E3779B97F4A7C15ULL;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// `corpus` is the parsed corpus.json; `rule` one of its "generated" entries (or "bench").
inline std::string generate(const nlohmann::json& corpus, const nlohmann::json& rule) {
    std::string out;
    if (rule.at("gen") == "repeat") {
        const std::string unit = rule.at("unit").get<std::string>();
        const auto count = rule.at("count").get<std::size_t>();
        out.reserve(unit.size() * count);
        for (std::size_t i = 0; i < count; ++i) out += unit;
        return out;
    }
    std::vector<std::string> snippets;  // corpus.json keeps the cases in corpus.py order
    for (const auto& c : corpus.at("cases")) {
        if (!c.at("text").get<std::string>().empty()) snippets.push_back(c.at("text").get<std::string>());
    }
    std::vector<std::string> seps;
    for (const auto& s : corpus.at("separators")) seps.push_back(s.get<std::string>());
    uint64_t state = rule.at("seed").get<uint64_t>();
    const auto target = rule.at("bytes").get<std::size_t>();
    while (out.size() < target) {
        out += snippets[splitmix64(state) % snippets.size()];
        out += seps[splitmix64(state) % seps.size()];
    }
    return out;
}

inline std::string fnv1a64_hex(const void* data, std::size_t n) {
    uint64_t h = 0xCBF29CE484222325ULL;
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001B3ULL;
    char buf[17];
    static const char* digits = "0123456789abcdef";
    for (int i = 15; i >= 0; --i, h >>= 4) buf[i] = digits[h & 15];
    buf[16] = 0;
    return buf;
}

}  // namespace farsight::tokenizer_corpus
