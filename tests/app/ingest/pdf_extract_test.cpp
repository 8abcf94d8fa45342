// PDF extraction through poppler-cpp: page texts line by line against the lines the fixture
// generator drew (multipage.lines.txt), reading order of columns, de-hyphenation, scanned pages,
// encrypted / truncated / corrupt files.
#include <gtest/gtest.h>

#include <vector>

#include "ingest/extract.h"
#include "ingest/pdf_extract.h"
#include "test_util.h"

namespace farsight::ingest {
namespace {

using test::fixture;
using test::read_file;

Result<Document> extract_one(const std::string& path, const ExtractOptions& o = {}) {
    return extract(std::vector<std::string>{path}, o);
}

std::vector<std::string> expected_pages() {
    const std::string all = read_file(fixture("multipage.lines.txt"));
    std::vector<std::string> pages;
    size_t pos = 0;
    for (;;) {
        const size_t ff = all.find('\f', pos);
        pages.push_back(all.substr(pos, ff == std::string::npos ? std::string::npos : ff - pos));
        if (ff == std::string::npos) break;
        pos = ff + 1;
    }
    return pages;
}

TEST(PdfExtract, PagesLineByLineWithMarkersAndProvenance) {
    auto doc = extract_one(fixture("multipage.pdf"));
    ASSERT_TRUE(doc.ok()) << doc.status().to_string();
    const std::vector<std::string> pages = expected_pages();
    ASSERT_EQ(pages.size(), 3u);
    std::string expected;
    for (size_t i = 0; i < pages.size(); ++i) expected += "--- page " + std::to_string(i + 1) + " ---\n" + pages[i];
    EXPECT_EQ(doc->text(), expected);
    const SourceInfo& f = doc->files()[0];
    EXPECT_EQ(f.format, SourceFormat::pdf);
    EXPECT_EQ(f.n_pages, 3);
    EXPECT_EQ(f.encoding, "pdf");
    EXPECT_TRUE(doc->notices().empty());
    for (int p = 1; p <= 3; ++p) {
        auto r = doc->slice_pages(0, p, p);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(doc->view(*r), pages[static_cast<size_t>(p - 1)]) << "page " << p;
    }
    // Page 2, line 6 (after the blank line between its two paragraphs).
    const size_t at = doc->text().find("There was nothing so VERY remarkable");
    EXPECT_EQ(doc->locate(at).value(), (Location{0, "multipage.pdf", 2, 6, 1}));
    auto line = doc->slice_lines(0, 2, 6, 6);
    ASSERT_TRUE(line.ok());
    EXPECT_EQ(doc->view(*line), "There was nothing so VERY remarkable in that; nor did Alice think it so VERY\n");
    EXPECT_EQ(doc->locate(doc->text().find("--- page 3 ---"))->line, 0);
}

TEST(PdfExtract, WithoutMarkersAndWithDehyphenation) {
    ExtractOptions o;
    o.page_markers = false;
    o.dehyphenate = true;
    auto doc = extract_one(fixture("multipage.pdf"), o);
    ASSERT_TRUE(doc.ok());
    auto p3 = doc->slice_pages(0, 3, 3);
    ASSERT_TRUE(p3.ok());
    EXPECT_EQ(doc->view(*p3),
              "The rabbit-hole went straight on like a tunnel for some way, and then\n"
              "dipped suddenly down, so suddenly that Alice had not a moment\n"
              "to think about stopping herself before she found herself\n"
              "falling down a very deep well.\n");
    // The line count is kept: "falling" is still line 4.
    EXPECT_EQ(doc->locate(doc->text().find("falling"))->line, 4);
    EXPECT_EQ(doc->text().find("---"), std::string::npos);
}

TEST(PdfExtract, DehyphenateKeepsLinesAndNames) {
    EXPECT_EQ(dehyphenate_lines("a exam-\nple, b\nJean-\nPaul\nend-\n"), "a example,\nb\nJean-\nPaul\nend-\n");
    EXPECT_EQ(dehyphenate_lines("well-\nknown fact\n"), "wellknown\nfact\n");   // the known cost of the option
}

TEST(PdfExtract, ColumnsComeInReadingOrder) {
    auto doc = extract_one(fixture("columns.pdf"));
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(doc->text(),
              "--- page 1 ---\n"
              "Either the well was very deep,\nor she fell very slowly, for\nshe had plenty of time as she\n"
              "went down to look about her.\n\n"
              "First, she tried to look down\nand make out what she was\ncoming to, but it was too dark\n"
              "to see anything.\n");
}

TEST(PdfExtract, ImageOnlyPageIsFlagged) {
    auto doc = extract_one(fixture("image_page.pdf"));
    ASSERT_TRUE(doc.ok()) << doc.status().to_string();
    EXPECT_EQ(doc->text(), "--- page 1 ---\nPage one has text.\nIt has two lines.\n--- page 2 ---\n"
                           "--- page 3 ---\nPage three has text again.\n");
    ASSERT_EQ(doc->notices().size(), 1u);
    EXPECT_EQ(doc->notices()[0], (Notice{0, 2, "page 2 has no extractable text (scanned?)"}));
    auto empty = doc->slice_pages(0, 2, 2);
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->empty());
    EXPECT_EQ(doc->locate(doc->text().find("Page three"))->page, 3);
}

TEST(PdfExtract, EncryptedTruncatedAndCorruptFilesGiveClearErrors) {
    auto enc = extract_one(fixture("encrypted.pdf"));
    EXPECT_EQ(enc.status().code(), ErrorCode::unsupported);
    EXPECT_EQ(enc.status().message(),
              "encrypted.pdf: the PDF is encrypted (password-protected); remove the password and attach it again");
    for (const char* name : {"truncated.pdf", "corrupt.pdf"}) {
        auto bad = extract_one(fixture(name));
        EXPECT_EQ(bad.status().code(), ErrorCode::bad_header) << name;
        EXPECT_EQ(bad.status().message().rfind(std::string(name) + ": not a readable PDF (damaged, truncated or not a PDF)", 0),
                  0u) << bad.status().message();
    }
    ExtractOptions few;
    few.max_pdf_pages = 2;
    EXPECT_EQ(extract_one(fixture("multipage.pdf"), few).status().code(), ErrorCode::limit_exceeded);
}

TEST(PdfExtract, ProgressPerPageAndCancel) {
    std::vector<int32_t> pages;
    auto doc = extract(std::vector<std::string>{fixture("multipage.pdf")}, {},
                       [&](const Progress& p) { pages.push_back(p.pages_done); });
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(pages, (std::vector<int32_t>{0, 1, 2, 3, 3}));
    CancelToken stop;
    auto cancelled = extract(std::vector<std::string>{fixture("multipage.pdf")}, {},
                             [&](const Progress& p) { if (p.pages_done == 1) stop.cancel(); }, &stop);
    EXPECT_EQ(cancelled.status().code(), ErrorCode::cancelled);
}

TEST(Extract, DetectsFormatByExtensionThenContent) {
    EXPECT_EQ(detect_format("a/B.PDF", ""), SourceFormat::pdf);
    EXPECT_EQ(detect_format("notes.markdown", ""), SourceFormat::markdown);
    EXPECT_EQ(detect_format("x.txt", "%PDF-1.4"), SourceFormat::text);
    EXPECT_EQ(detect_format("download", "%PDF-1.7"), SourceFormat::pdf);
    EXPECT_EQ(detect_format("README", "hello"), SourceFormat::text);
}

}  // namespace
}  // namespace farsight::ingest
