// count_tokens(): cuts every file's text into segments (pages, or line runs near segment_bytes)
// and tokenizes each (contract in token_count.h).
#include "ingest/token_count.h"

#include <algorithm>

namespace farsight::ingest {

namespace {

struct FileExtent {
    uint64_t begin = UINT64_MAX;
    uint64_t end = 0;
};

// Files are contiguous in the text (concatenate() keeps them in order): a file owns the text from
// its first span (header included) up to the next file's first span.
std::vector<FileExtent> file_extents(const Document& doc) {
    std::vector<FileExtent> ext(doc.files().size());
    for (const Span& s : doc.spans()) {
        auto& e = ext[static_cast<size_t>(s.file)];
        e.begin = std::min(e.begin, s.offset);
    }
    uint64_t next = doc.text().size();
    for (size_t i = ext.size(); i-- > 0;) {
        if (ext[i].begin == UINT64_MAX) ext[i].begin = doc.files()[i].content.begin;
        ext[i].end = std::max(ext[i].begin, next);
        next = ext[i].begin;
    }
    return ext;
}

std::vector<TokenSegment> pdf_segments(const Document& doc, int32_t file, FileExtent ext) {
    std::vector<TokenSegment> segs;
    int32_t page = 0;
    uint64_t seg_begin = ext.begin;
    for (const Span& s : doc.spans()) {
        if (s.file != file || s.page == 0 || s.page == page) continue;
        if (page != 0 && s.offset > seg_begin) {
            segs.push_back({{seg_begin, s.offset}, page, 0, 0, 0});
            seg_begin = s.offset;
        }
        page = s.page;
    }
    if (ext.end > seg_begin || segs.empty()) segs.push_back({{seg_begin, ext.end}, page, 0, 0, 0});
    return segs;
}

std::vector<TokenSegment> text_segments(const Document& doc, int32_t file, FileExtent ext, uint64_t segment_bytes) {
    std::vector<TokenSegment> segs;
    const std::string& text = doc.text();
    const TextRange content = doc.files()[static_cast<size_t>(file)].content;
    auto line_at = [&](uint64_t offset) {
        auto loc = doc.locate(offset);
        return loc.ok() ? loc->line : 0;
    };
    uint64_t pos = ext.begin;
    while (pos < ext.end) {
        uint64_t cut = ext.end;
        if (pos + segment_bytes < ext.end) {
            const size_t nl = text.find('\n', pos + segment_bytes);
            cut = nl == std::string::npos || nl + 1 > ext.end ? ext.end : nl + 1;
        }
        TokenSegment seg{{pos, cut}, 0, 0, 0, 0};
        const uint64_t first = std::max(pos, content.begin);
        if (first < cut && first < content.end) {
            seg.first_line = line_at(first);
            seg.last_line = line_at(std::min(cut, content.end) - 1);
        }
        segs.push_back(seg);
        pos = cut;
    }
    if (segs.empty()) segs.push_back({{ext.begin, ext.end}, 0, 0, 0, 0});
    return segs;
}

}  // namespace

Result<std::vector<FileTokens>> count_tokens(const Document& document, const TokenizeFn& tokenize,
                                             const TokenCountOptions& options, const CountProgressFn& progress,
                                             const CancelToken* stop) {
    if (!tokenize) return make_error(ErrorCode::invalid_argument, "count_tokens needs a tokenizer");
    const uint64_t segment_bytes = std::max<uint64_t>(options.segment_bytes, 1024);
    const std::vector<FileExtent> extents = file_extents(document);
    std::vector<FileTokens> out;
    out.reserve(document.files().size());
    for (size_t f = 0; f < document.files().size(); ++f) {
        const SourceInfo& info = document.files()[f];
        FileTokens ft;
        ft.file = static_cast<int32_t>(f);
        ft.name = info.name;
        ft.segments = info.n_pages > 0 ? pdf_segments(document, ft.file, extents[f])
                                       : text_segments(document, ft.file, extents[f], segment_bytes);
        out.push_back(std::move(ft));
    }
    const uint64_t total = document.text().size();
    uint64_t done = 0;
    int64_t n_tokens = 0;
    for (FileTokens& ft : out) {
        for (TokenSegment& seg : ft.segments) {
            if (stop && stop->cancelled()) return make_error(ErrorCode::cancelled, "token counting cancelled");
            if (!seg.range.empty()) {
                auto ids = tokenize(document.view(seg.range));
                if (!ids.ok()) return ids.status().with_context("counting tokens of " + ft.name);
                seg.n_tokens = static_cast<int64_t>(ids->size());
            }
            ft.n_tokens += seg.n_tokens;
            n_tokens += seg.n_tokens;
            done += seg.range.size();
            if (progress) progress(done, total, n_tokens);
        }
    }
    return out;
}

}  // namespace farsight::ingest
