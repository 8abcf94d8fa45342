// extract_in_subprocess(): same result as in process, progress relayed, errors passed through,
// and a helper that crashes, hangs or writes garbage gives a clean error (never takes us down).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "ingest/subprocess.h"
#include "test_util.h"

namespace farsight::ingest {
namespace {

using Clock = std::chrono::steady_clock;

HelperOptions helper() {
    HelperOptions h;
    h.helper_path = FARSIGHT_EXTRACT_PATH;
    return h;
}

// Sets FARSIGHT_EXTRACT_TEST_FAULT for the helpers started while it lives.
struct Fault {
    explicit Fault(const char* what) { ::setenv("FARSIGHT_EXTRACT_TEST_FAULT", what, 1); }
    ~Fault() { ::unsetenv("FARSIGHT_EXTRACT_TEST_FAULT"); }
};

const std::vector<std::string>& paths() {
    static const std::vector<std::string> p{test::fixture("alice_ch1.txt"), test::fixture("multipage.pdf")};
    return p;
}

TEST(Subprocess, SameDocumentAsInProcessWithProgress) {
    auto local = extract(paths());
    ASSERT_TRUE(local.ok());
    std::vector<Progress> seen;
    auto remote = extract_in_subprocess(paths(), {}, [&](const Progress& p) { seen.push_back(p); }, nullptr, helper());
    ASSERT_TRUE(remote.ok()) << remote.status().to_string();
    EXPECT_EQ(remote->text(), local->text());
    EXPECT_EQ(remote->spans(), local->spans());
    ASSERT_EQ(remote->files().size(), 2u);
    EXPECT_EQ(remote->files()[1].n_pages, 3);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back().bytes_done, seen.back().bytes_total);
    EXPECT_EQ(seen.back().pages_done, 3);
}

TEST(Subprocess, OptionsReachTheHelper) {
    ExtractOptions o;
    o.file_headers = false;
    o.page_markers = false;
    o.dehyphenate = true;
    auto local = extract(paths(), o);
    auto remote = extract_in_subprocess(paths(), o, nullptr, nullptr, helper());
    ASSERT_TRUE(local.ok() && remote.ok());
    EXPECT_EQ(remote->text(), local->text());
    EXPECT_EQ(remote->text().find("==="), std::string::npos);
}

TEST(Subprocess, HelperErrorsPassThroughWithTheirCode) {
    auto enc = extract_in_subprocess(std::vector<std::string>{test::fixture("encrypted.pdf")}, {}, nullptr, nullptr, helper());
    EXPECT_EQ(enc.status().code(), ErrorCode::unsupported);
    EXPECT_NE(enc.status().message().find("encrypted"), std::string::npos);
    auto corrupt = extract_in_subprocess(std::vector<std::string>{test::fixture("corrupt.pdf")}, {}, nullptr, nullptr, helper());
    EXPECT_EQ(corrupt.status().code(), ErrorCode::bad_header);
}

TEST(Subprocess, CrashIsACleanError) {
    Fault fault("abort");
    auto r = extract_in_subprocess(paths(), {}, nullptr, nullptr, helper());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::io_error);
    EXPECT_NE(r.status().message().find("the extraction helper crashed (killed by SIGABRT) while reading "
                                        "alice_ch1.txt, multipage.pdf"),
              std::string::npos) << r.status().message();
}

TEST(Subprocess, GarbageOutputIsACleanError) {
    Fault fault("garbage");
    auto r = extract_in_subprocess(paths(), {}, nullptr, nullptr, helper());
    EXPECT_EQ(r.status().code(), ErrorCode::io_error);
    EXPECT_NE(r.status().message().find("malformed"), std::string::npos) << r.status().message();
}

TEST(Subprocess, HangIsKilledAtTheIdleTimeout) {
    Fault fault("hang");
    HelperOptions h = helper();
    h.idle_timeout = std::chrono::milliseconds(300);
    const auto t0 = Clock::now();
    auto r = extract_in_subprocess(paths(), {}, nullptr, nullptr, h);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    EXPECT_EQ(r.status().code(), ErrorCode::limit_exceeded);
    EXPECT_NE(r.status().message().find("made no progress for 0.3 s"), std::string::npos) << r.status().message();
    EXPECT_LT(ms, 5000);
}

TEST(Subprocess, CancelKillsTheHelper) {
    Fault fault("hang");
    CancelToken stop;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        stop.cancel();
    });
    const auto t0 = Clock::now();
    auto r = extract_in_subprocess(paths(), {}, nullptr, &stop, helper());
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    canceller.join();
    EXPECT_EQ(r.status().code(), ErrorCode::cancelled);
    EXPECT_LT(ms, 2000);
}

TEST(Subprocess, MissingHelperAndLimits) {
    HelperOptions h;
    h.helper_path = "/nonexistent/farsight-extract";
    auto r = extract_in_subprocess(paths(), {}, nullptr, nullptr, h);
    EXPECT_EQ(r.status().code(), ErrorCode::io_error);
    EXPECT_NE(r.status().message().find("missing"), std::string::npos);
    HelperOptions small = helper();
    small.max_output_bytes = 1000;
    EXPECT_EQ(extract_in_subprocess(paths(), {}, nullptr, nullptr, small).status().code(), ErrorCode::limit_exceeded);
    EXPECT_FALSE(find_helper().empty());
}

}  // namespace
}  // namespace farsight::ingest
