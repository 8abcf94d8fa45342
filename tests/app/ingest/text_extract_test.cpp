// TXT and Markdown extraction: encodings, line ends, binary refusal, headings, several files,
// progress and cancellation. Real texts: alice_ch1.txt (Project Gutenberg #11), Hugo (fixtures).
#include <gtest/gtest.h>

#include <vector>

#include "ingest/extract.h"
#include "ingest/text_decode.h"
#include "test_util.h"

namespace farsight::ingest {
namespace {

using test::fixture;
using test::read_file;
using test::temp_file;

Result<Document> extract_one(const std::string& path, const ExtractOptions& o = {}) {
    const std::vector<std::string> paths{path};
    return extract(paths, o);
}

// The first three paragraphs of the chapter, as make_fixtures.py wrote them in UTF-16.
std::string alice_head() {
    const std::string all = read_file(fixture("alice_ch1.txt"));
    size_t pos = 0;
    for (int i = 0; i < 3; ++i) pos = all.find("\n\n", pos) + 2;
    return all.substr(0, pos - 1);
}

const char* k_hugo =
    "En 1815, M. Charles-Fran\xC3\xA7ois-Bienvenu Myriel \xC3\xA9tait \xC3\xA9v\xC3\xAAque de Digne.\n"
    "C'\xC3\xA9tait un vieillard d'environ soixante-quinze ans ; il occupait le si\xC3\xA8ge de Digne depuis 1806.\n"
    "\xE2\x80\x9CPrix\xE2\x80\x9D : 5 \xE2\x82\xAC \xE2\x80\x93 na\xC3\xAFve fa\xC3\xA7" "ade, \xC5\x92uvre, \xC3\xBC" "ber.\n";

TEST(TextExtract, Utf8TextIsKeptExactlyWithLineProvenance) {
    auto doc = extract_one(fixture("alice_ch1.txt"));
    ASSERT_TRUE(doc.ok()) << doc.status().to_string();
    const std::string original = read_file(fixture("alice_ch1.txt"));
    EXPECT_EQ(doc->text(), original);
    ASSERT_EQ(doc->files().size(), 1u);
    const SourceInfo& f = doc->files()[0];
    EXPECT_EQ(f.name, "alice_ch1.txt");
    EXPECT_EQ(f.encoding, "utf-8");
    EXPECT_EQ(f.format, SourceFormat::text);
    EXPECT_EQ(f.n_lines, 202);
    EXPECT_EQ(f.file_bytes, original.size());
    EXPECT_TRUE(doc->notices().empty());
    // "ORANGE MARMALADE" is on line 42, after "she passed; it was labelled '".
    auto loc = doc->locate(original.find("ORANGE MARMALADE"));
    ASSERT_TRUE(loc.ok());
    EXPECT_EQ(*loc, (Location{0, "alice_ch1.txt", 0, 42, 30}));
    auto lines = doc->slice_lines(0, 0, 42, 43);
    ASSERT_TRUE(lines.ok());
    EXPECT_EQ(doc->view(*lines),
              "she passed; it was labelled 'ORANGE MARMALADE', but to her great\n"
              "disappointment it was empty: she did not like to drop the jar for fear\n");
}

TEST(TextExtract, Utf16WithBomsAndOldLineEnds) {
    const std::string expected = alice_head();
    auto le = extract_one(fixture("alice_utf16le.txt"));   // CRLF
    ASSERT_TRUE(le.ok()) << le.status().to_string();
    EXPECT_EQ(le->text(), expected);
    EXPECT_EQ(le->files()[0].encoding, "utf-16le");
    auto be = extract_one(fixture("alice_utf16be.txt"));   // CR only
    ASSERT_TRUE(be.ok()) << be.status().to_string();
    EXPECT_EQ(be->text(), expected);
    EXPECT_EQ(be->files()[0].encoding, "utf-16be");
    EXPECT_EQ(be->files()[0].n_lines, 13);
    EXPECT_EQ(be->locate(expected.find("So she was"))->line, 9);
}

TEST(TextExtract, Windows1252FallbackWithNotice) {
    auto doc = extract_one(fixture("hugo_cp1252.txt"));
    ASSERT_TRUE(doc.ok()) << doc.status().to_string();
    EXPECT_EQ(doc->text(), k_hugo);
    EXPECT_EQ(doc->files()[0].encoding, "windows-1252");
    ASSERT_EQ(doc->notices().size(), 1u);
    EXPECT_NE(doc->notices()[0].message.find("not valid UTF-8 (first invalid byte at offset 24)"), std::string::npos)
        << doc->notices()[0].message;
    EXPECT_NE(doc->notices()[0].message.find("Windows-1252"), std::string::npos);

    auto bom = extract_one(fixture("hugo_utf8_bom.txt"));
    ASSERT_TRUE(bom.ok());
    EXPECT_EQ(bom->text(), k_hugo);
    EXPECT_EQ(bom->files()[0].encoding, "utf-8-bom");
    EXPECT_TRUE(bom->notices().empty());
}

TEST(TextExtract, BinaryAndUtf32AreRefused) {
    auto bin = extract_one(fixture("binary.dat"));
    ASSERT_FALSE(bin.ok());
    EXPECT_EQ(bin.status().code(), ErrorCode::unsupported);
    EXPECT_NE(bin.status().message().find("binary.dat: this looks like a binary file (NUL byte at offset 8)"),
              std::string::npos) << bin.status().message();
    // UTF-16 without a BOM reads as NULs: the message says what to do.
    auto no_bom = extract_one(temp_file("nobom.txt", std::string("h\0i\0", 4)));
    ASSERT_FALSE(no_bom.ok());
    EXPECT_NE(no_bom.status().message().find("UTF-16 text without a byte-order mark"), std::string::npos);
    auto utf32 = extract_one(temp_file("u32.txt", std::string("\xFF\xFE\0\0h\0\0\0", 8)));
    EXPECT_EQ(utf32.status().code(), ErrorCode::unsupported);
    auto missing = extract_one("/nonexistent/file.txt");
    EXPECT_EQ(missing.status().code(), ErrorCode::not_found);
    EXPECT_EQ(extract(std::vector<std::string>{}).status().code(), ErrorCode::invalid_argument);
    ExtractOptions small;
    small.max_file_bytes = 100;
    EXPECT_EQ(extract_one(fixture("alice_ch1.txt"), small).status().code(), ErrorCode::limit_exceeded);
}

TEST(TextDecode, LineEndsAndSequencesAcrossChunkBoundaries) {
    // 256 KiB chunks: put a CRLF and a 4-byte UTF-8 sequence across the first boundary.
    const size_t chunk = 256 * 1024;
    std::string crlf(chunk - 1, 'a');
    crlf += "\r\nb\rc\r\n";
    auto d = decode_text_bytes(crlf);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->text, std::string(chunk - 1, 'a') + "\nb\nc\n");
    EXPECT_EQ(d->n_lines, 3);

    std::string emoji(chunk - 2, 'x');
    emoji += "\xF0\x9F\x98\x80 end";
    d = decode_text_bytes(emoji);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->text, emoji);
    EXPECT_EQ(d->encoding, "utf-8");

    // An invalid byte after the first chunk still switches the whole file to Windows-1252.
    std::string late(chunk + 10, 'y');
    late += "caf\xE9";
    d = decode_text_bytes(late);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->encoding, "windows-1252");
    EXPECT_EQ(d->text, std::string(chunk + 10, 'y') + "caf\xC3\xA9");

    // Overlong and surrogate encodings are not UTF-8.
    EXPECT_EQ(decode_text_bytes("\xC0\xAF")->encoding, "windows-1252");
    EXPECT_EQ(decode_text_bytes("\xED\xA0\x80")->encoding, "windows-1252");
    // A UTF-8 BOM file with a broken sequence keeps UTF-8 and replaces it.
    d = decode_text_bytes("\xEF\xBB\xBFok \xFF!");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->text, "ok \xEF\xBF\xBD!");
    EXPECT_FALSE(d->note.empty());
    // UTF-16 surrogate pair and an unpaired surrogate.
    d = decode_text_bytes(std::string("\xFF\xFE\x3D\xD8\x00\xDE\x00\xD8x\0", 10));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->text, "\xF0\x9F\x98\x80\xEF\xBF\xBDx");
    EXPECT_EQ(decode_text_bytes("")->n_lines, 0);
    EXPECT_EQ(decode_text_bytes("a\n\nb")->n_lines, 3);
}

TEST(MarkdownExtract, SourceKeptAndHeadingsRecorded) {
    auto doc = extract_one(fixture("reading_notes.md"));
    ASSERT_TRUE(doc.ok()) << doc.status().to_string();
    const std::string src = read_file(fixture("reading_notes.md"));
    EXPECT_EQ(doc->text(), src);
    EXPECT_EQ(doc->files()[0].format, SourceFormat::markdown);
    std::vector<std::pair<int, std::string>> got;
    for (const Heading& h : doc->headings()) {
        got.emplace_back(h.level, h.title);
        // ATX headings start at their '#'; Setext ones at their text line.
        const bool setext = h.title == "Things she sees on the way" || h.title == "The hall ##";
        EXPECT_EQ(src.substr(h.offset, setext ? h.title.size() : 1), setext ? h.title : "#") << h.title;
    }
    const std::vector<std::pair<int, std::string>> expected{
        {1, "Reading notes: Alice, chapter I"}, {2, "The fall"}, {2, "Things she sees on the way"},
        {1, "The hall ##"}, {3, "The golden key"}};
    EXPECT_EQ(got, expected);
    EXPECT_EQ(doc->locate(doc->headings()[2].offset)->line, 10);
    EXPECT_EQ(doc->locate(doc->headings()[3].offset)->line, 22);
}

TEST(Extract, SeveralFilesBecomeOneContextWithHeaders) {
    const std::vector<std::string> paths{fixture("hugo_utf8_bom.txt"), fixture("reading_notes.md"),
                                         fixture("multipage.pdf")};
    std::vector<Progress> seen;
    auto doc = extract(paths, {}, [&](const Progress& p) { seen.push_back(p); });
    ASSERT_TRUE(doc.ok()) << doc.status().to_string();
    const std::string& t = doc->text();
    EXPECT_EQ(t.rfind("=== hugo_utf8_bom.txt (text) ===\n", 0), 0u);
    EXPECT_NE(t.find("\n\n=== reading_notes.md (markdown) ===\n# Reading notes"), std::string::npos);
    EXPECT_NE(t.find("\n\n=== multipage.pdf (pdf, 3 pages) ===\n--- page 1 ---\nCHAPTER I."), std::string::npos);
    ASSERT_EQ(doc->files().size(), 3u);
    EXPECT_EQ(doc->view(doc->files()[0].content), k_hugo);
    EXPECT_EQ(doc->headings().size(), 5u);
    EXPECT_EQ(doc->headings()[0].file, 1);
    const auto fall = doc->locate(t.find("she had plenty of time"));
    ASSERT_TRUE(fall.ok());
    EXPECT_EQ(fall->file_name, "reading_notes.md");
    EXPECT_EQ(fall->line, 8);
    const auto pdf = doc->locate(t.find("ment to think about"));
    EXPECT_EQ(pdf->file_name, "multipage.pdf");
    EXPECT_EQ(pdf->page, 3);
    EXPECT_EQ(pdf->line, 3);
    // Progress: monotone, ends at the total, pages counted.
    ASSERT_FALSE(seen.empty());
    for (size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].bytes_done, seen[i - 1].bytes_done);
    EXPECT_EQ(seen.back().bytes_done, seen.back().bytes_total);
    EXPECT_EQ(seen.back().pages_done, 3);
    EXPECT_EQ(seen.back().n_files, 3);
    EXPECT_EQ(seen.back().file, 2);
}

TEST(Extract, CancellationStopsPromptly) {
    const std::string big = temp_file("cancel.txt", std::string(8 << 20, 'z'));
    CancelToken stop;
    int calls = 0;
    auto doc = extract(std::vector<std::string>{big}, {}, [&](const Progress&) {
        if (++calls == 3) stop.cancel();
    }, &stop);
    EXPECT_EQ(doc.status().code(), ErrorCode::cancelled);
    EXPECT_EQ(calls, 3);   // the next chunk saw the token
    CancelToken already;
    already.cancel();
    EXPECT_EQ(extract(std::vector<std::string>{fixture("multipage.pdf")}, {}, nullptr, &already).status().code(),
              ErrorCode::cancelled);
}

}  // namespace
}  // namespace farsight::ingest
