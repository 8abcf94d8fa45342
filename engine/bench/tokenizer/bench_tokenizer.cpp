// Tokenizer throughput: encodes the ~1 MiB mixed benchmark corpus (tests/fixtures/tokenizers/corpus.json,
// rule "bench") with each real tokenizer fixture on one thread, as one string and line by line, and decodes
// the ids back. Prints a table and writes JSON; scripts/tokenizer/bench_reference.py runs this binary and
// the reference HF `tokenizers` on the same corpus and files, and prints the ratios.
// Usage: bench_tokenizer [--fixtures DIR] [--json OUT] [--repeat N] [--only NAME]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "corpus_rules.h"
#include "tokenizer/tokenizer.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= s.size()) {
        const std::size_t nl = s.find('\n', start);
        if (nl == std::string::npos) {
            lines.push_back(s.substr(start));
            break;
        }
        lines.push_back(s.substr(start, nl + 1 - start));  // keep the newline, like str.splitlines(True)
        start = nl + 1;
    }
    return lines;
}

}  // namespace

int main(int argc, char** argv) {
    std::filesystem::path fixtures = FARSIGHT_TOKENIZER_FIXTURES;
    std::string json_out, only;
    int repeat = 5;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--fixtures") && i + 1 < argc) fixtures = argv[++i];
        else if (!std::strcmp(argv[i], "--json") && i + 1 < argc) json_out = argv[++i];
        else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else {
            std::fprintf(stderr, "usage: %s [--fixtures DIR] [--json OUT] [--repeat N] [--only NAME]\n", argv[0]);
            return 2;
        }
    }
    const auto corpus = nlohmann::json::parse(read_file(fixtures / "corpus.json"));
    const std::string text = farsight::tokenizer_corpus::generate(corpus, corpus.at("bench"));
    const std::vector<std::string> lines = split_lines(text);
    const double mb = static_cast<double>(text.size()) / 1e6;

    const char* names[] = {"gpt2", "llama3", "qwen2", "llama2-spm", "deepseek-coder", "falcon", "starcoder2"};
    nlohmann::json results = nlohmann::json::array();
    std::printf("corpus: %zu bytes, %zu lines, %d repeats (best of), single thread\n", text.size(), lines.size(), repeat);
    std::printf("%-15s %8s %9s %10s %11s %9s %10s %10s\n", "tokenizer", "load_s", "tokens", "encode_MB/s",
                "Mtokens/s", "cold_MB/s", "lines_MB/s", "decode_MB/s");
    for (const char* name : names) {
        if (!only.empty() && only != name) continue;
        std::filesystem::path path = fixtures / name / "tokenizer.json";
        if (!std::filesystem::exists(path)) path = fixtures / "optional" / name / "tokenizer.json";
        if (!std::filesystem::exists(path)) {
            std::printf("%-15s (absent: scripts/tokenizer/make_fixtures.py creates it)\n", name);
            continue;
        }
        auto t0 = Clock::now();
        auto tok = farsight::Tokenizer::from_file(path);
        const double load_s = seconds_since(t0);
        if (!tok.ok()) {
            std::fprintf(stderr, "%s: %s\n", name, tok.status().to_string().c_str());
            return 1;
        }
        // The first encode runs with an empty word cache.
        t0 = Clock::now();
        auto ids = tok->encode(text);
        const double cold_s = seconds_since(t0);
        if (!ids.ok()) {
            std::fprintf(stderr, "%s: %s\n", name, ids.status().to_string().c_str());
            return 1;
        }
        double best = 1e30, best_lines = 1e30, best_decode = 1e30;
        std::size_t n_line_ids = 0;
        std::string decoded;
        for (int r = 0; r < repeat; ++r) {
            t0 = Clock::now();
            auto again = tok->encode(text);
            best = std::min(best, seconds_since(t0));
            if (!again.ok() || again.value() != ids.value()) {
                std::fprintf(stderr, "%s: encode is not repeatable\n", name);
                return 1;
            }
            t0 = Clock::now();
            n_line_ids = 0;
            for (const std::string& line : lines) n_line_ids += tok->encode(line).value().size();
            best_lines = std::min(best_lines, seconds_since(t0));
            t0 = Clock::now();
            decoded = tok->decode(ids.value());
            best_decode = std::min(best_decode, seconds_since(t0));
        }
        const double n_tokens = static_cast<double>(ids->size());
        std::printf("%-15s %8.3f %9zu %10.2f %11.3f %9.2f %10.2f %10.2f\n", name, load_s, ids->size(), mb / best,
                    n_tokens / best / 1e6, mb / cold_s, mb / best_lines, mb / best_decode);
        results.push_back({{"tokenizer", name}, {"bytes", text.size()}, {"tokens", ids->size()},
                           {"line_tokens", n_line_ids}, {"load_s", load_s}, {"encode_s", best},
                           {"encode_cold_s", cold_s}, {"encode_lines_s", best_lines}, {"decode_s", best_decode},
                           {"encode_mb_s", mb / best}, {"encode_tokens_s", n_tokens / best},
                           {"decode_roundtrip_equal", decoded == text}});
    }
    // Pathological inputs of the parity corpus (long runs of one character, digits, emoji): one cold encode
    // each with a fresh tokenizer, so neither the word cache nor an earlier run helps.
    std::printf("\npathological inputs, ms per encode (fresh tokenizer):\n%-15s", "tokenizer");
    for (const auto& [gname, rule] : corpus.at("generated").items()) std::printf(" %18s", gname.c_str());
    std::printf("\n");
    for (const char* name : names) {
        if (!only.empty() && only != name) continue;
        std::filesystem::path path = fixtures / name / "tokenizer.json";
        if (!std::filesystem::exists(path)) path = fixtures / "optional" / name / "tokenizer.json";
        if (!std::filesystem::exists(path)) continue;
        std::printf("%-15s", name);
        nlohmann::json times;
        for (const auto& [gname, rule] : corpus.at("generated").items()) {
            auto tok = farsight::Tokenizer::from_file(path);
            const std::string input = farsight::tokenizer_corpus::generate(corpus, rule);
            const auto t0 = Clock::now();
            auto ids = tok->encode(input);
            const double ms = seconds_since(t0) * 1e3;
            std::printf(" %18.1f", ids.ok() ? ms : -1.0);
            times[gname] = ms;
        }
        std::printf("\n");
        for (auto& r : results)
            if (r["tokenizer"] == name) r["pathological_ms"] = times;
    }
    const std::string dump = results.dump(1);
    if (!json_out.empty()) std::ofstream(json_out) << dump << "\n";
    else std::printf("%s\n", dump.c_str());
    return 0;
}
