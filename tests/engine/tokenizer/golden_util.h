// Test helpers for the tokenizer goldens: the fixture folder, corpus inputs (text, invalid UTF-8 bytes,
// generated-by-rule) and the comparison of id lists / texts stored either verbatim or as count + hash.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "corpus_rules.h"

namespace farsight::tokenizer_test {

inline std::filesystem::path fixtures_dir() {
    return std::filesystem::path(FARSIGHT_TEST_DATA) / "fixtures" / "tokenizers";
}

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline nlohmann::json read_json(const std::filesystem::path& p) { return nlohmann::json::parse(read_file(p)); }

// The tokenizer.json of a fixture: committed ones first, then the optional (not committed) folder.
inline std::filesystem::path fixture_path(const std::string& name, bool* optional = nullptr) {
    const auto committed = fixtures_dir() / name / "tokenizer.json";
    if (optional) *optional = false;
    if (std::filesystem::exists(committed)) return committed;
    if (optional) *optional = true;
    return fixtures_dir() / "optional" / name / "tokenizer.json";
}

struct CorpusInput {
    std::string name;
    std::string bytes;  // what the C++ tokenizer is given
    std::string text;   // what the reference saw (bytes with invalid UTF-8 replaced)
};

inline std::string hex_to_bytes(const std::string& hex) {
    std::string out;
    std::istringstream ss(hex);
    std::string byte;
    while (ss >> byte) out.push_back(static_cast<char>(std::stoi(byte, nullptr, 16)));
    return out;
}

inline std::vector<CorpusInput> corpus_inputs(const nlohmann::json& corpus) {
    std::vector<CorpusInput> out;
    for (const auto& c : corpus.at("cases")) {
        const std::string t = c.at("text").get<std::string>();
        out.push_back({c.at("name").get<std::string>(), t, t});
    }
    for (const auto& c : corpus.at("invalid_utf8"))
        out.push_back({c.at("name").get<std::string>(), hex_to_bytes(c.at("hex").get<std::string>()),
                       c.at("replaced").get<std::string>()});
    for (const auto& [name, rule] : corpus.at("generated").items()) {
        std::string t = tokenizer_corpus::generate(corpus, rule);
        out.push_back({name, t, t});
    }
    return out;
}

inline std::string ids_hash(const std::vector<int32_t>& ids) {
    std::string raw(ids.size() * 4, '\0');
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto v = static_cast<uint32_t>(ids[i]);
        for (int b = 0; b < 4; ++b) raw[i * 4 + b] = static_cast<char>((v >> (8 * b)) & 0xFF);
    }
    return tokenizer_corpus::fnv1a64_hex(raw.data(), raw.size());
}

// Empty string when `got` matches the golden (a list, or {"n", "fnv1a64", "head"}), else a description.
inline std::string compare_ids(const nlohmann::json& golden, const std::vector<int32_t>& got) {
    std::vector<int32_t> want;
    if (golden.is_array()) {
        want = golden.get<std::vector<int32_t>>();
        if (want == got) return {};
    } else {
        if (golden.at("n").get<std::size_t>() == got.size() && golden.at("fnv1a64").get<std::string>() == ids_hash(got))
            return {};
        want = golden.at("head").get<std::vector<int32_t>>();
    }
    std::size_t k = 0;
    while (k < want.size() && k < got.size() && want[k] == got[k]) ++k;
    std::ostringstream ss;
    ss << "ids differ: want " << (golden.is_array() ? want.size() : golden.at("n").get<std::size_t>())
       << " ids, got " << got.size() << "; first difference at index " << k << ": want [";
    for (std::size_t i = k; i < std::min(want.size(), k + 12); ++i) ss << want[i] << ' ';
    ss << "] got [";
    for (std::size_t i = k; i < std::min(got.size(), k + 12); ++i) ss << got[i] << ' ';
    ss << "]";
    return ss.str();
}

inline std::string compare_text(const nlohmann::json& golden, const std::string& got) {
    if (golden.is_string()) {
        if (golden.get<std::string>() == got) return {};
        return "text differs: want '" + golden.get<std::string>().substr(0, 200) + "' got '" + got.substr(0, 200) + "'";
    }
    if (golden.at("n").get<std::size_t>() == got.size() &&
        golden.at("fnv1a64").get<std::string>() == tokenizer_corpus::fnv1a64_hex(got.data(), got.size()))
        return {};
    return "long text differs (want " + std::to_string(golden.at("n").get<std::size_t>()) + " bytes, got " +
           std::to_string(got.size()) + ")";
}

// Names of the fixtures that have goldens.
inline std::vector<std::string> golden_fixture_names() {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(fixtures_dir() / "goldens"))
        if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace farsight::tokenizer_test
