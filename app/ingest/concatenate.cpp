// concatenate(): several Documents into one context with file headers, provenance kept per file.
// One pass, the output reserved up front (no quadratic appends).
#include "ingest/document.h"

#include <utility>

namespace farsight::ingest {

namespace {

// Names come from the file system: keep headers on one line.
std::string header_line(const SourceInfo& info) {
    std::string name;
    for (char c : info.name) name += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? '?' : c;
    std::string line = "=== " + name + " (" + std::string(source_format_name(info.format));
    if (info.n_pages > 0) line += ", " + std::to_string(info.n_pages) + (info.n_pages == 1 ? " page" : " pages");
    line += ") ===\n";
    return line;
}

}  // namespace

Result<Document> concatenate(std::vector<Document> documents, const JoinOptions& options) {
    if (documents.size() == 1) return std::move(documents.front());
    size_t n_files_total = 0;
    uint64_t reserve = 0;
    for (const Document& d : documents) {
        n_files_total += d.files().size();
        reserve += d.text().size() + 2;
        for (const SourceInfo& f : d.files()) reserve += f.name.size() + 40;
    }
    const bool headers = options.file_headers && n_files_total >= 2;

    std::string text;
    text.reserve(reserve);
    std::vector<SourceInfo> files;
    std::vector<Span> spans;
    std::vector<Heading> headings;
    std::vector<Notice> notices;
    for (Document& d : documents) {
        if (d.files().empty()) continue;
        const auto file_base = static_cast<int32_t>(files.size());
        // Separator and header belong to the first file of this document, as synthetic text.
        if (!text.empty() || (headers && d.files().size() == 1)) {
            const uint64_t sep_at = text.size();
            if (!text.empty() && text.back() != '\n') text += '\n';
            if (!text.empty()) text += '\n';
            if (headers && d.files().size() == 1) text += header_line(d.files().front());
            if (text.size() > sep_at) spans.push_back({sep_at, file_base, 0, 0});
        }
        const uint64_t base = text.size();
        for (const Span& s : d.spans()) {
            Span t{s.offset + base, s.file + file_base, s.page, s.line};
            // A span at the very start may coincide with the header span: keep both, sorted.
            spans.push_back(t);
        }
        for (SourceInfo f : d.files()) {
            f.content = {f.content.begin + base, f.content.end + base};
            files.push_back(std::move(f));
        }
        for (Heading h : d.headings()) {
            h.offset += base;
            h.file += file_base;
            headings.push_back(std::move(h));
        }
        for (Notice n : d.notices()) {
            n.file += file_base;
            notices.push_back(std::move(n));
        }
        std::string part = std::move(d).release_text();
        text += part;
    }
    return Document::assemble(std::move(text), std::move(files), std::move(spans), std::move(headings),
                              std::move(notices));
}

}  // namespace farsight::ingest
