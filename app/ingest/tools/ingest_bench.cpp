// ingest_bench: extraction throughput (in process and through farsight-extract), citation index
// build time/memory and query times (exact / normalised / fuzzy / absent) on a generated text of
// --mb MB (default 50). Prints key=value lines. Not a test: it asserts nothing about speed.
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "ingest/citations.h"
#include "ingest/extract.h"
#include "ingest/subprocess.h"

namespace {

using namespace farsight;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU time of this process: on a loaded machine it says more than the wall clock.
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// Pseudo-English: words from random syllables, sentences, 60-80 character lines, paragraphs.
std::string generate_text(size_t bytes, uint32_t seed) {
    static const char* syllables[] = {"ka", "lo", "mi", "ten", "sar", "vo", "ri", "pel", "dan", "es", "tor", "un",
                                      "bra", "the", "and", "qui", "mon", "fel", "is", "go", "ra", "zen", "ul", "cor"};
    std::mt19937 rng(seed);
    std::vector<std::string> vocab;
    for (int i = 0; i < 20000; ++i) {
        std::string w;
        const int n = 1 + static_cast<int>(rng() % 4);
        for (int s = 0; s < n; ++s) w += syllables[rng() % std::size(syllables)];
        vocab.push_back(w);
    }
    std::string out;
    out.reserve(bytes + 128);
    size_t line_len = 0;
    bool sentence_start = true;
    while (out.size() < bytes) {
        std::string w = vocab[rng() % vocab.size()];
        if (sentence_start) w[0] = static_cast<char>(w[0] - 32);
        sentence_start = rng() % 12 == 0;
        if (sentence_start) w += '.';
        else if (rng() % 15 == 0) w += ',';
        if (line_len + w.size() > 72) {
            out += rng() % 10 == 0 ? "\n\n" : "\n";
            line_len = 0;
        } else if (line_len > 0) {
            out += ' ';
            ++line_len;
        }
        out += w;
        line_len += w.size();
    }
    out += '\n';
    return out;
}

std::string mutate_case_and_space(std::string s) {
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\n') s[i] = ' ';
        else if (i % 7 == 0 && s[i] >= 'a' && s[i] <= 'z') s[i] = static_cast<char>(s[i] - 32);
    }
    return s;
}

std::string mutate_edits(std::string s, std::mt19937& rng) {
    for (size_t i = 0; i < s.size(); i += 20 + rng() % 10) {
        if (s[i] >= 'a' && s[i] <= 'z') s[i] = static_cast<char>('a' + (s[i] - 'a' + 1) % 26);
    }
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    size_t mb = 50;
    std::string dir = "/tmp";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--mb") mb = std::strtoull(argv[i + 1], nullptr, 10);
        else if (a == "--dir") dir = argv[i + 1];
    }
    const std::string path = dir + "/ingest_bench_" + std::to_string(::getpid()) + ".txt";
    {
        const std::string text = generate_text(mb << 20, 42);
        std::ofstream(path, std::ios::binary).write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    const std::vector<std::string> paths{path};

    auto t0 = Clock::now();
    double c0 = cpu_seconds();
    auto doc = ingest::extract(paths);
    const double t_extract = seconds_since(t0), c_extract = cpu_seconds() - c0;
    if (!doc.ok()) { std::fprintf(stderr, "%s\n", doc.status().to_string().c_str()); return 1; }
    const double text_mb = static_cast<double>(doc->text().size()) / (1 << 20);
    std::printf("extract_in_process mb=%.1f seconds=%.3f cpu_seconds=%.3f mb_per_s=%.1f mb_per_cpu_s=%.1f\n", text_mb,
                t_extract, c_extract, text_mb / t_extract, text_mb / c_extract);

    t0 = Clock::now();
    auto doc2 = ingest::extract_in_subprocess(paths);
    const double t_sub = seconds_since(t0);
    if (!doc2.ok()) { std::fprintf(stderr, "%s\n", doc2.status().to_string().c_str()); return 1; }
    std::printf("extract_subprocess mb=%.1f seconds=%.3f mb_per_s=%.1f same_text=%d\n", text_mb, t_sub, text_mb / t_sub,
                doc2->text() == doc->text() ? 1 : 0);
    doc2 = Status(ErrorCode::cancelled, "released");

    t0 = Clock::now();
    c0 = cpu_seconds();
    auto index = ingest::CitationIndex::build(*doc);
    const double t_index = seconds_since(t0), c_index = cpu_seconds() - c0;
    if (!index.ok()) { std::fprintf(stderr, "%s\n", index.status().to_string().c_str()); return 1; }
    std::printf("citation_index_build mb=%.1f seconds=%.3f cpu_seconds=%.3f memory_mb=%.1f memory_per_text=%.2f\n",
                text_mb, t_index, c_index,
                static_cast<double>(index->memory_bytes()) / (1 << 20),
                static_cast<double>(index->memory_bytes()) / static_cast<double>(doc->text().size()));

    std::mt19937 rng(7);
    const std::string& text = doc->text();
    const int n_queries = 100;
    const char* kinds[] = {"exact", "normalised", "fuzzy", "absent"};
    for (int kind = 0; kind < 4; ++kind) {
        int hits = 0;
        double total = 0, worst = 0;
        for (int q = 0; q < n_queries; ++q) {
            const size_t len = 80 + rng() % 300;
            const size_t at = rng() % (text.size() - len);
            std::string passage = text.substr(at, len);
            if (kind == 1) passage = mutate_case_and_space(passage);
            if (kind == 2) passage = mutate_edits(passage, rng);
            if (kind == 3) passage = generate_text(len, 1000 + static_cast<uint32_t>(q));
            ingest::Quote quote{passage, {}, ingest::QuoteKind::double_quotes};
            const auto t = Clock::now();
            const ingest::CitationMatch m = index->match(quote);
            const double dt = seconds_since(t);
            total += dt;
            worst = std::max(worst, dt);
            const bool ok = kind == 3 ? m.kind == ingest::MatchKind::not_found
                                      : (m.kind != ingest::MatchKind::not_found && m.source.begin <= at + 8 &&
                                         m.source.end + 8 >= at + len);
            hits += ok;
        }
        std::printf("citation_query kind=%s queries=%d correct=%d mean_ms=%.3f max_ms=%.3f\n", kinds[kind], n_queries, hits,
                    1000 * total / n_queries, 1000 * worst);
    }
    std::remove(path.c_str());
    return 0;
}
