// Document: assemble() validation, locate(), slices, concatenate() and the provenance JSON.
#include <gtest/gtest.h>

#include "ingest/document.h"
#include "ingest/provenance_json.h"

namespace farsight::ingest {
namespace {

SourceInfo info(std::string name, int32_t n_pages, TextRange content, SourceFormat f = SourceFormat::text) {
    SourceInfo s;
    s.path = "/docs/" + name;
    s.name = std::move(name);
    s.format = f;
    s.n_pages = n_pages;
    s.content = content;
    return s;
}

// A two-page "PDF": markers are synthetic (line 0), page texts start at line 1.
Document two_pages() {
    std::string text = "--- page 1 ---\nalpha\nbeta\n--- page 2 ---\ngamma d\xC3\xA9j\xC3\xA0 vu\ndelta\n";
    std::vector<Span> spans{{0, 0, 1, 0}, {15, 0, 1, 1}, {26, 0, 2, 0}, {41, 0, 2, 1}};
    auto doc = Document::assemble(text, {info("a.pdf", 2, {0, text.size()}, SourceFormat::pdf)}, spans);
    EXPECT_TRUE(doc.ok()) << doc.status().to_string();
    return std::move(doc).value();
}

TEST(Document, AssembleRejectsBadParts) {
    const std::string text = "abc\n";
    const auto f = info("a.txt", 0, {0, 4});
    EXPECT_EQ(Document::assemble(text, {f}, {}).status().code(), ErrorCode::bad_header);           // no spans
    EXPECT_EQ(Document::assemble(text, {f}, {{1, 0, 0, 1}}).status().code(), ErrorCode::bad_header);   // not at 0
    EXPECT_EQ(Document::assemble(text, {f}, {{0, 0, 0, 1}, {5, 0, 0, 1}}).status().code(), ErrorCode::bad_header);
    EXPECT_EQ(Document::assemble(text, {f}, {{0, 0, 0, 1}, {3, 0, 0, 1}, {2, 0, 0, 1}}).status().code(),
              ErrorCode::bad_header);                                                                      // unsorted
    EXPECT_EQ(Document::assemble(text, {f}, {{0, 1, 0, 1}}).status().code(), ErrorCode::bad_header);   // no file 1
    EXPECT_EQ(Document::assemble(text, {f}, {{0, 0, 3, 1}}).status().code(), ErrorCode::bad_header);   // no page 3
    EXPECT_EQ(Document::assemble(text, {info("a.txt", 0, {0, 9})}, {{0, 0, 0, 1}}).status().code(), ErrorCode::bad_header);
    EXPECT_TRUE(Document::assemble(text, {f}, {{0, 0, 0, 1}}).ok());
    EXPECT_TRUE(Document::assemble("", {}, {}).ok());
}

TEST(Document, LocateCountsLinesPerPageAndColumnsInCodePoints) {
    const Document doc = two_pages();
    auto at = [&](std::string_view needle, size_t extra = 0) {
        const size_t off = doc.text().find(needle) + extra;
        auto loc = doc.locate(off);
        EXPECT_TRUE(loc.ok());
        return loc.value();
    };
    EXPECT_EQ(at("alpha"), (Location{0, "a.pdf", 1, 1, 1}));
    EXPECT_EQ(at("beta", 2), (Location{0, "a.pdf", 1, 2, 3}));
    EXPECT_EQ(at("--- page 2"), (Location{0, "a.pdf", 2, 0, 1}));
    EXPECT_EQ(at("gamma"), (Location{0, "a.pdf", 2, 1, 1}));
    EXPECT_EQ(at("vu"), (Location{0, "a.pdf", 2, 1, 12}));   // "gamma déjà " is 11 code points (13 bytes)
    EXPECT_EQ(at("delta"), (Location{0, "a.pdf", 2, 2, 1}));
    EXPECT_TRUE(doc.locate(doc.text().size()).ok());
    EXPECT_EQ(doc.locate(doc.text().size() + 1).status().code(), ErrorCode::invalid_argument);
}

TEST(Document, SlicesPagesAndLines) {
    const Document doc = two_pages();
    auto p2 = doc.slice_pages(0, 2, 2);
    ASSERT_TRUE(p2.ok());
    EXPECT_EQ(doc.view(*p2), "gamma d\xC3\xA9j\xC3\xA0 vu\ndelta\n");
    auto both = doc.slice_pages(0, 1, 2);
    ASSERT_TRUE(both.ok());
    EXPECT_EQ(doc.view(*both), "alpha\nbeta\n--- page 2 ---\ngamma d\xC3\xA9j\xC3\xA0 vu\ndelta\n");
    EXPECT_EQ(doc.slice_pages(0, 0, 1).status().code(), ErrorCode::invalid_argument);
    EXPECT_EQ(doc.slice_pages(0, 2, 3).status().code(), ErrorCode::invalid_argument);

    auto l = doc.slice_lines(0, 1, 2, 2);
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(doc.view(*l), "beta\n");
    l = doc.slice_lines(0, 2, 1, 99);   // clamped to the page
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(doc.view(*l), "gamma d\xC3\xA9j\xC3\xA0 vu\ndelta\n");
    EXPECT_EQ(doc.slice_lines(0, 1, 3, 3).status().code(), ErrorCode::invalid_argument);
    EXPECT_EQ(doc.slice_lines(0, 0, 1, 1).status().code(), ErrorCode::invalid_argument);   // a PDF has no page 0
}

TEST(Document, ConcatenateAddsHeadersAndKeepsProvenance) {
    auto a = Document::assemble("one\ntwo", {info("a.txt", 0, {0, 7})}, {{0, 0, 0, 1}},
                                {{0, 1, "Top", 0}}, {{0, 0, "a note"}});
    ASSERT_TRUE(a.ok());
    Document b = two_pages();
    auto joined = concatenate({std::move(a).value(), std::move(b)});
    ASSERT_TRUE(joined.ok()) << joined.status().to_string();
    const Document& d = *joined;
    const std::string expected =
        "=== a.txt (text) ===\none\ntwo\n\n=== a.pdf (pdf, 2 pages) ===\n--- page 1 ---\nalpha\nbeta\n"
        "--- page 2 ---\ngamma d\xC3\xA9j\xC3\xA0 vu\ndelta\n";
    EXPECT_EQ(d.text(), expected);
    ASSERT_EQ(d.files().size(), 2u);
    EXPECT_EQ(d.view(d.files()[0].content), "one\ntwo");
    EXPECT_EQ(d.view(d.files()[1].content), two_pages().text());
    EXPECT_EQ(d.locate(expected.find("two"))->line, 2);
    EXPECT_EQ(d.locate(expected.find("two"))->file_name, "a.txt");
    EXPECT_EQ(d.locate(expected.find("=== a.pdf"))->line, 0);
    EXPECT_EQ(d.locate(expected.find("=== a.pdf"))->file, 1);
    EXPECT_EQ(d.locate(expected.find("delta"))->page, 2);
    EXPECT_EQ(d.locate(expected.find("delta"))->line, 2);
    ASSERT_EQ(d.headings().size(), 1u);
    EXPECT_EQ(d.headings()[0].offset, expected.find("one"));
    EXPECT_EQ(d.notices().size(), 1u);
    auto p2 = d.slice_pages(1, 2, 2);
    ASSERT_TRUE(p2.ok());
    EXPECT_EQ(d.view(*p2), "gamma d\xC3\xA9j\xC3\xA0 vu\ndelta\n");

    JoinOptions no_headers;
    no_headers.file_headers = false;
    auto plain = concatenate({two_pages(), two_pages()}, no_headers);
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->text(), two_pages().text() + "\n" + two_pages().text());
}

TEST(ProvenanceJson, RoundTripsAndRejectsMismatches) {
    auto a = Document::assemble("one\ntwo\n", {info("a.md", 0, {0, 8}, SourceFormat::markdown)}, {{0, 0, 0, 1}},
                                {{0, 2, "Two", 4}}, {{0, 0, "note"}});
    ASSERT_TRUE(a.ok());
    auto joined = concatenate({std::move(a).value(), two_pages()});
    ASSERT_TRUE(joined.ok());
    const std::string json = provenance_to_json(*joined);
    auto back = document_from_json(joined->text(), json);
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(back->spans(), joined->spans());
    EXPECT_EQ(back->headings(), joined->headings());
    EXPECT_EQ(back->notices(), joined->notices());
    ASSERT_EQ(back->files().size(), 2u);
    EXPECT_EQ(back->files()[0].format, SourceFormat::markdown);
    EXPECT_EQ(back->files()[1].n_pages, 2);
    EXPECT_EQ(back->files()[1].content, joined->files()[1].content);
    EXPECT_EQ(back->locate(joined->text().find("delta")).value(), joined->locate(joined->text().find("delta")).value());

    EXPECT_EQ(document_from_json(joined->text(), "[]").status().code(), ErrorCode::bad_header);
    EXPECT_EQ(document_from_json(joined->text(), "{\"version\":1}").status().code(), ErrorCode::bad_header);
    EXPECT_EQ(document_from_json(joined->text(), "{not json").status().code(), ErrorCode::bad_header);
    EXPECT_EQ(document_from_json("short", json).status().code(), ErrorCode::bad_header);   // spans past the text
}

}  // namespace
}  // namespace farsight::ingest
