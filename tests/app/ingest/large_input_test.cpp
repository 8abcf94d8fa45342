// A 40 MB text (about ten million tokens): extracted in process and through the helper, with
// exact line provenance at the end, bounded memory, and times printed (never asserted).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <vector>

#include "ingest/subprocess.h"
#include "test_util.h"

namespace farsight::ingest {
namespace {

long peak_rss_kib() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

TEST(LargeInput, FortyMegabytesInProcessAndThroughTheHelper) {
    // Written line by line so the test's own peak memory stays small before extraction.
    const size_t n_lines = 600000;
    const std::string path = test::temp_file("large.txt", "");
    size_t expected_size = 0;
    {
        std::ofstream out(path, std::ios::binary);
        for (size_t i = 1; i <= n_lines; ++i) {
            const std::string line =
                "line " + std::to_string(i) + ": It was all very well to say Drink me, but the wise little Alice\r\n";
            out << line;
            expected_size += line.size() - 1;   // CRLF -> LF
        }
    }

    const long rss_before = peak_rss_kib();
    auto t0 = std::chrono::steady_clock::now();
    auto doc = extract(std::vector<std::string>{path});
    const double t_local = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(doc.ok()) << doc.status().to_string();
    const long rss_growth = (peak_rss_kib() - rss_before) * 1024;
    EXPECT_EQ(doc->text().size(), expected_size);
    EXPECT_EQ(doc->files()[0].n_lines, static_cast<int32_t>(n_lines));
    const size_t last = doc->text().rfind("line 600000:");
    EXPECT_EQ(doc->locate(last)->line, 600000);
    EXPECT_EQ(doc->locate(doc->text().rfind("line 123457:"))->line, 123457);
    EXPECT_LE(rss_growth, static_cast<long>(3 * expected_size)) << "peak memory grew by " << rss_growth;

    t0 = std::chrono::steady_clock::now();
    auto remote = extract_in_subprocess(std::vector<std::string>{path}, {}, nullptr, nullptr,
                                        HelperOptions{FARSIGHT_EXTRACT_PATH});
    const double t_remote = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(remote.ok()) << remote.status().to_string();
    EXPECT_TRUE(remote->text() == doc->text());
    const double mb = static_cast<double>(expected_size) / (1 << 20);
    std::printf("large_input mb=%.1f in_process_s=%.3f helper_s=%.3f rss_growth_mb=%.1f\n", mb, t_local, t_remote,
                static_cast<double>(rss_growth) / (1 << 20));
    RecordProperty("in_process_mb_per_s", static_cast<int>(mb / t_local));
}

}  // namespace
}  // namespace farsight::ingest
