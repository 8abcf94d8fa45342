// Document: validation of the parts, line index, locate() and slices (contract in document.h).
#include "ingest/document.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace farsight::ingest {

std::string_view source_format_name(SourceFormat format) noexcept {
    switch (format) {
        case SourceFormat::text: return "text";
        case SourceFormat::markdown: return "markdown";
        case SourceFormat::pdf: return "pdf";
    }
    return "text";
}

namespace {

Status bad(std::string message) { return make_error(ErrorCode::bad_header, "document: " + std::move(message)); }

std::vector<uint64_t> index_line_starts(const std::string& text) {
    std::vector<uint64_t> starts;
    const char* base = text.data();
    const char* p = base;
    const char* end = base + text.size();
    while (p < end) {
        const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
        if (!nl) break;
        p = static_cast<const char*>(nl) + 1;
        starts.push_back(static_cast<uint64_t>(p - base));
    }
    return starts;
}

}  // namespace

Result<Document> Document::assemble(std::string text, std::vector<SourceInfo> files, std::vector<Span> spans,
                                    std::vector<Heading> headings, std::vector<Notice> notices) {
    const uint64_t size = text.size();
    const auto n_files = static_cast<int64_t>(files.size());
    if (!text.empty() && spans.empty()) return bad("text without provenance spans");
    if (!spans.empty() && spans.front().offset != 0) return bad("the first span must start at offset 0");
    for (size_t i = 0; i < spans.size(); ++i) {
        const Span& s = spans[i];
        if (s.offset > size) return bad("span offset past the end of the text");
        if (i > 0 && s.offset < spans[i - 1].offset) return bad("spans are not sorted by offset");
        if (s.file < 0 || s.file >= n_files) return bad("span names a file that does not exist");
        if (s.page < 0 || s.line < 0) return bad("negative page or line in a span");
        if (s.page > files[static_cast<size_t>(s.file)].n_pages) return bad("span page past the file's page count");
    }
    for (const SourceInfo& f : files) {
        if (f.content.begin > f.content.end || f.content.end > size) return bad("file content range outside the text");
        if (f.n_pages < 0 || f.n_lines < 0) return bad("negative page or line count");
    }
    for (const Heading& h : headings) {
        if (h.file < 0 || h.file >= n_files || h.offset > size || h.level < 1 || h.level > 6)
            return bad("heading out of range");
    }
    for (const Notice& n : notices) {
        if (n.file < 0 || n.file >= n_files || n.page < 0) return bad("notice out of range");
    }
    Document doc;
    doc.m_line_starts = index_line_starts(text);
    doc.m_text = std::move(text);
    doc.m_files = std::move(files);
    doc.m_spans = std::move(spans);
    doc.m_headings = std::move(headings);
    doc.m_notices = std::move(notices);
    return doc;
}

std::string_view Document::view(TextRange range) const {
    const uint64_t end = std::min<uint64_t>(range.end, m_text.size());
    const uint64_t begin = std::min(range.begin, end);
    return std::string_view(m_text).substr(begin, end - begin);
}

std::string Document::release_text() && {
    std::string out = std::move(m_text);
    *this = Document();
    return out;
}

Result<Location> Document::locate(uint64_t offset) const {
    if (offset > m_text.size())
        return make_error(ErrorCode::invalid_argument, "offset " + std::to_string(offset) + " is past the end of the text (" +
                                                           std::to_string(m_text.size()) + " bytes)");
    if (m_spans.empty()) return make_error(ErrorCode::not_found, "the document has no provenance");
    auto it = std::upper_bound(m_spans.begin(), m_spans.end(), offset,
                               [](uint64_t off, const Span& s) { return off < s.offset; });
    const Span& span = *std::prev(it);
    // Line starts s with span.offset < s <= offset are the newlines crossed inside the span.
    auto after_span = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), span.offset);
    auto after_offset = std::upper_bound(after_span, m_line_starts.end(), offset);
    const auto n_newlines = static_cast<int32_t>(after_offset - after_span);
    uint64_t line_begin = span.offset;
    if (after_offset != after_span) line_begin = *std::prev(after_offset);

    Location loc;
    loc.file = span.file;
    loc.file_name = m_files[static_cast<size_t>(span.file)].name;
    loc.page = span.page;
    loc.line = span.line == 0 ? 0 : span.line + n_newlines;
    int32_t column = 1;
    for (uint64_t i = line_begin; i < offset; ++i)
        if ((static_cast<unsigned char>(m_text[i]) & 0xC0) != 0x80) ++column;
    loc.column = column;
    return loc;
}

namespace {

struct PageSpan {
    uint64_t begin = 0;
    uint64_t end = 0;
    int32_t line = 0;
};

}  // namespace

Result<TextRange> Document::slice_pages(int32_t file, int32_t first_page, int32_t last_page) const {
    if (file < 0 || file >= static_cast<int32_t>(m_files.size()))
        return make_error(ErrorCode::invalid_argument, "no file " + std::to_string(file) + " in the document");
    const SourceInfo& info = m_files[static_cast<size_t>(file)];
    if (info.n_pages == 0) return make_error(ErrorCode::invalid_argument, info.name + " has no pages");
    if (first_page < 1 || last_page < first_page || last_page > info.n_pages)
        return make_error(ErrorCode::invalid_argument, "pages " + std::to_string(first_page) + "-" +
                                                           std::to_string(last_page) + " are not in " + info.name + " (" +
                                                           std::to_string(info.n_pages) + " pages)");
    TextRange range{UINT64_MAX, 0};
    for (size_t i = 0; i < m_spans.size(); ++i) {
        const Span& s = m_spans[i];
        if (s.file != file || s.line == 0 || s.page < first_page || s.page > last_page) continue;
        const uint64_t end = i + 1 < m_spans.size() ? m_spans[i + 1].offset : m_text.size();
        range.begin = std::min(range.begin, s.offset);
        range.end = std::max(range.end, end);
    }
    if (range.begin == UINT64_MAX) {
        // Pages with no text have no content span: an empty range at the page's marker.
        for (const Span& s : m_spans)
            if (s.file == file && s.page >= first_page && s.page <= last_page) return TextRange{s.offset, s.offset};
        return TextRange{info.content.end, info.content.end};
    }
    return range;
}

Result<TextRange> Document::slice_lines(int32_t file, int32_t page, int32_t first_line, int32_t last_line) const {
    if (file < 0 || file >= static_cast<int32_t>(m_files.size()))
        return make_error(ErrorCode::invalid_argument, "no file " + std::to_string(file) + " in the document");
    if (first_line < 1 || last_line < first_line)
        return make_error(ErrorCode::invalid_argument, "bad line range " + std::to_string(first_line) + "-" +
                                                           std::to_string(last_line));
    std::vector<PageSpan> parts;
    for (size_t i = 0; i < m_spans.size(); ++i) {
        const Span& s = m_spans[i];
        if (s.file != file || s.page != page || s.line == 0) continue;
        const uint64_t end = i + 1 < m_spans.size() ? m_spans[i + 1].offset : m_text.size();
        parts.push_back({s.offset, end, s.line});
    }
    const SourceInfo& info = m_files[static_cast<size_t>(file)];
    if (parts.empty())
        return make_error(ErrorCode::invalid_argument, info.name + (page ? " page " + std::to_string(page) : std::string()) +
                                                           " has no text");
    // Start offset of `line`, if it exists on this page.
    auto line_start = [&](int32_t line) -> std::optional<uint64_t> {
        for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
            if (it->line > line) continue;
            const auto k = static_cast<uint64_t>(line - it->line);
            if (k == 0) return it->begin < it->end ? std::optional<uint64_t>(it->begin) : std::nullopt;
            auto first = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), it->begin);
            const auto idx = static_cast<uint64_t>(first - m_line_starts.begin()) + k - 1;
            if (idx < m_line_starts.size() && m_line_starts[idx] < it->end) return m_line_starts[idx];
            return std::nullopt;
        }
        return std::nullopt;
    };
    auto begin = line_start(first_line);
    if (!begin)
        return make_error(ErrorCode::invalid_argument, "line " + std::to_string(first_line) + " is past the end of " +
                                                           info.name + (page ? " page " + std::to_string(page) : std::string()));
    auto end = line_start(last_line + 1);
    return TextRange{*begin, end ? *end : parts.back().end};
}

}  // namespace farsight::ingest
