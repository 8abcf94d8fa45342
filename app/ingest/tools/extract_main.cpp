// farsight-extract: the isolated document decoder. Extracts FILE... with ingest::extract() and
// writes the Document to stdout in the wire format (wire_format.h), progress lines to stderr.
// Started by extract_in_subprocess() (subprocess.h); a crash here only fails that extraction.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "ingest/extract.h"
#include "ingest/wire_format.h"

namespace {

using namespace farsight;

int usage() {
    std::fprintf(stderr,
                 "usage: farsight-extract [--no-headers] [--no-page-markers] [--dehyphenate] [--max-file-bytes N]\n"
                 "                        [--max-pages N] [--max-memory-mb N] [--] FILE...\n");
    return 64;
}

// Test hook (FARSIGHT_EXTRACT_TEST_FAULT=abort|hang|garbage): lets tests prove that a broken
// helper cannot hurt the app.
std::string fault() {
    const char* f = std::getenv("FARSIGHT_EXTRACT_TEST_FAULT");
    return f ? f : "";
}

}  // namespace

int main(int argc, char** argv) {
    ingest::ExtractOptions options;
    std::vector<std::string> paths;
    bool files_only = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto number = [&](unsigned long long& v) {
            if (i + 1 >= argc) return false;
            char* end = nullptr;
            v = std::strtoull(argv[++i], &end, 10);
            return end && *end == '\0';
        };
        unsigned long long v = 0;
        if (files_only || a.empty() || a[0] != '-') paths.push_back(a);
        else if (a == "--") files_only = true;
        else if (a == "--no-headers") options.file_headers = false;
        else if (a == "--no-page-markers") options.page_markers = false;
        else if (a == "--dehyphenate") options.dehyphenate = true;
        else if (a == "--max-file-bytes" && number(v)) options.max_file_bytes = v;
        else if (a == "--max-pages" && number(v)) options.max_pdf_pages = static_cast<int32_t>(std::min(v, 1ull << 30));
        else if (a == "--max-memory-mb" && number(v)) {
            // Bounds what a hostile file can make the decoder allocate.
            const rlimit lim{static_cast<rlim_t>(v) << 20, static_cast<rlim_t>(v) << 20};
            setrlimit(RLIMIT_AS, &lim);
        } else return usage();
    }
    if (paths.empty()) return usage();
    const std::string test_fault = fault();
    if (test_fault == "hang")
        for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    if (test_fault == "garbage") {
        std::fputs("this is not a farsight document stream\n", stdout);
        return 0;
    }

    auto last = std::chrono::steady_clock::time_point{};
    const auto report = [&](const ingest::Progress& p) {
        if (test_fault == "abort") std::abort();
        // At most ~20 lines a second, and always the last one of a file.
        const auto now = std::chrono::steady_clock::now();
        if (now - last < std::chrono::milliseconds(50) && p.bytes_done < p.bytes_total) return;
        last = now;
        const std::string line = ingest::wire::format_progress(p) + "\n";
        (void)!::write(2, line.data(), line.size());
    };
    const Result<ingest::Document> doc = ingest::extract(paths, options, report, nullptr);
    const Status written = ingest::wire::write_result(1, doc);
    if (!written.ok()) {
        std::fprintf(stderr, "%s\n", written.to_string().c_str());
        return 3;
    }
    return doc.ok() ? 0 : 2;
}
