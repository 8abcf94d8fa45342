// The helper's stdout framing: round trip through a pipe, error frames, malformed streams; and
// the stderr progress lines.
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "ingest/extract.h"
#include "ingest/wire_format.h"
#include "test_util.h"

namespace farsight::ingest {
namespace {

std::string through_pipe(const Result<Document>& r) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    std::thread writer([&] {
        EXPECT_TRUE(wire::write_result(fds[1], r).ok());
        ::close(fds[1]);
    });
    std::string bytes;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) bytes.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    writer.join();
    return bytes;
}

TEST(WireFormat, RoundTripsADocument) {
    auto doc = extract(std::vector<std::string>{test::fixture("reading_notes.md"), test::fixture("multipage.pdf")});
    ASSERT_TRUE(doc.ok());
    const std::string bytes = through_pipe(doc);
    EXPECT_EQ(bytes.substr(0, 8), std::string("FSXDOC\x01\n", 8));
    auto back = wire::read_result(bytes);
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(back->text(), doc->text());
    EXPECT_EQ(back->spans(), doc->spans());
    EXPECT_EQ(back->headings(), doc->headings());
    EXPECT_EQ(back->files().size(), 2u);
}

TEST(WireFormat, CarriesErrorsAndRefusesMalformedStreams) {
    const Result<Document> err = Status(ErrorCode::unsupported, "x.pdf: the PDF is encrypted");
    auto back = wire::read_result(through_pipe(err));
    EXPECT_EQ(back.status().code(), ErrorCode::unsupported);
    EXPECT_EQ(back.status().message(), "x.pdf: the PDF is encrypted");

    auto doc = extract(std::vector<std::string>{test::fixture("hugo_utf8_bom.txt")});
    ASSERT_TRUE(doc.ok());
    const std::string good = through_pipe(doc);
    auto code_of = [](std::string s) { return wire::read_result(std::move(s)).status(); };
    EXPECT_NE(code_of("").message().find("no output"), std::string::npos);
    EXPECT_NE(code_of("garbage garbage").message().find("bad magic"), std::string::npos);
    EXPECT_NE(code_of(good.substr(0, good.size() - 9)).message().find("no end frame"), std::string::npos);
    EXPECT_NE(code_of(good.substr(0, 20)).message().find("longer than the output"), std::string::npos);
    std::string long_frame = good;
    long_frame[9 + 7] = '\x7F';   // the metadata frame claims 2^62 bytes
    EXPECT_NE(code_of(long_frame).message().find("longer than the output"), std::string::npos);
    std::string bad_type = good;
    bad_type[8] = 'Q';
    EXPECT_NE(code_of(bad_type).message().find("unknown frame type"), std::string::npos);
    EXPECT_EQ(code_of(good + "Z").code(), ErrorCode::io_error);
    EXPECT_TRUE(wire::read_result(good).ok());
}

TEST(WireFormat, ProgressLines) {
    Progress p{10, 20, 1, 3, 0, 2};
    const std::string line = wire::format_progress(p);
    EXPECT_EQ(line, "progress bytes_done=10 bytes_total=20 pages_done=1 pages_total=3 file=0 n_files=2");
    auto back = wire::parse_progress(line);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->bytes_done, 10u);
    EXPECT_EQ(back->pages_total, 3);
    EXPECT_EQ(back->n_files, 2);
    EXPECT_FALSE(wire::parse_progress("poppler: error: something").has_value());
    EXPECT_FALSE(wire::parse_progress("progress bytes_done=abc").has_value());
    EXPECT_EQ(wire::error_code_from_name("bad_header"), ErrorCode::bad_header);
    EXPECT_EQ(wire::error_code_from_name("nonsense"), ErrorCode::internal);
}

}  // namespace
}  // namespace farsight::ingest
