// Document: the extracted UTF-8 text of one or more files plus a compact provenance map from text
// byte offsets to (file, page, line, column). Produced by extract() (extract.h), carried across the
// helper process by wire_format.h, stored as JSON by provenance_json.h. See README.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"

namespace farsight::ingest {

enum class SourceFormat : uint8_t { text, markdown, pdf };
std::string_view source_format_name(SourceFormat format) noexcept;   // "text", "markdown", "pdf"

// A half-open byte range [begin, end) of Document::text().
struct TextRange {
    uint64_t begin = 0;
    uint64_t end = 0;
    uint64_t size() const noexcept { return end - begin; }
    bool empty() const noexcept { return end <= begin; }
    friend bool operator==(const TextRange&, const TextRange&) = default;
};

// One input file as it appears in the Document.
struct SourceInfo {
    std::string path;            // as given to extract()
    std::string name;            // file name shown to users ("report.pdf")
    SourceFormat format = SourceFormat::text;
    uint64_t file_bytes = 0;     // size on disk
    std::string encoding;        // "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252", "pdf"
    int32_t n_pages = 0;         // PDF pages; 0 for files without pages
    int32_t n_lines = 0;         // source lines (all pages)
    TextRange content;           // this file's text in Document::text(), without its header
};

// A provenance span: text from `offset` up to the next span's offset comes from `file`/`page`,
// and its first byte is at line `line`, column 1; each '\n' inside the span starts the next line.
// `line == 0` marks text that is no part of any source (file headers, page markers).
struct Span {
    uint64_t offset = 0;
    int32_t file = 0;            // index into Document::files()
    int32_t page = 0;            // 1-based page; 0 for files without pages
    int32_t line = 0;            // 1-based; 0 = synthetic text
    friend bool operator==(const Span&, const Span&) = default;
};

// Where a byte of the text comes from.
struct Location {
    int32_t file = -1;           // index into Document::files()
    std::string file_name;
    int32_t page = 0;            // 0 when the file has no pages
    int32_t line = 0;            // 1-based within the page (PDF) or file; 0 for header/marker text
    int32_t column = 0;          // 1-based, in Unicode code points
    friend bool operator==(const Location&, const Location&) = default;
};

// A Markdown heading (ATX "# Title" or Setext), for the UI's outline.
struct Heading {
    int32_t file = 0;
    int32_t level = 1;           // 1..6
    std::string title;           // without the '#' marks
    uint64_t offset = 0;         // start of the heading line in Document::text()
    friend bool operator==(const Heading&, const Heading&) = default;
};

// Something the user should know about the extraction; never an error.
struct Notice {
    int32_t file = 0;
    int32_t page = 0;            // 0 = the whole file
    std::string message;         // "page 3 has no extractable text (scanned?)"
    friend bool operator==(const Notice&, const Notice&) = default;
};

class Document {
public:
    Document() = default;

    // Checks the parts (spans sorted, in range, files/pages valid; ranges inside the text) and
    // indexes line starts. Used by the extractor, the wire format and provenance_json.h.
    static Result<Document> assemble(std::string text, std::vector<SourceInfo> files, std::vector<Span> spans,
                                     std::vector<Heading> headings = {}, std::vector<Notice> notices = {});

    const std::string& text() const noexcept { return m_text; }
    const std::vector<SourceInfo>& files() const noexcept { return m_files; }
    const std::vector<Span>& spans() const noexcept { return m_spans; }
    const std::vector<Heading>& headings() const noexcept { return m_headings; }
    const std::vector<Notice>& notices() const noexcept { return m_notices; }
    std::string_view view(TextRange range) const;   // clamped to the text

    // O(log n). invalid_argument when offset > text().size() (offset == size() maps to the end).
    Result<Location> locate(uint64_t offset) const;
    // Text of pages [first_page, last_page] of `file` (PDF): from the first page's text to the end
    // of the last page's (markers between the pages included, the first page's marker not).
    Result<TextRange> slice_pages(int32_t file, int32_t first_page, int32_t last_page) const;
    // Lines [first_line, last_line] (1-based, inclusive, including the final '\n') of `page` of
    // `file` (page 0 for files without pages). A last_line past the end is clamped.
    Result<TextRange> slice_lines(int32_t file, int32_t page, int32_t first_line, int32_t last_line) const;

    // Takes the text out (e.g. to hand it to a tokenizer without a copy); leaves this empty.
    std::string release_text() &&;

private:
    std::string m_text;
    std::vector<SourceInfo> m_files;
    std::vector<Span> m_spans;
    std::vector<Heading> m_headings;
    std::vector<Notice> m_notices;
    std::vector<uint64_t> m_line_starts;   // offset after each '\n' (derived, not serialised)
};

// How several documents are joined (also used by extract() for several files).
struct JoinOptions {
    bool file_headers = true;    // a "=== name (format, N pages) ===" line before each file
};
// Concatenates documents into one context, keeping every file's provenance (files renumbered in
// order). Headers are added for every file when there are two or more and file_headers is set.
Result<Document> concatenate(std::vector<Document> documents, const JoinOptions& options = {});

}  // namespace farsight::ingest
