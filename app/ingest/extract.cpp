// extract(): format detection, per-file extraction (text_decode / markdown_outline / pdf_extract),
// progress over all files, cancellation, then concatenate() with file headers.
#include "ingest/extract.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "ingest/markdown_outline.h"
#include "ingest/pdf_extract.h"
#include "ingest/text_decode.h"

namespace farsight::ingest {

namespace {

std::string lower_extension(std::string_view path) {
    const size_t slash = path.find_last_of('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const size_t dot = name.find_last_of('.');
    if (dot == std::string_view::npos || dot == 0) return {};
    std::string ext(name.substr(dot + 1));
    for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return ext;
}

std::string base_name(std::string_view path) {
    const size_t slash = path.find_last_of('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string read_head(const std::string& path) {
    std::string head(8, '\0');
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    const ssize_t n = ::read(fd, head.data(), head.size());
    ::close(fd);
    head.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return head;
}

Result<Document> extract_text(SourceInfo info, const ChunkFn& on_chunk) {
    FS_ASSIGN_OR_RETURN(DecodedText decoded, decode_text_file(info.path, info.file_bytes, on_chunk));
    info.encoding = decoded.encoding;
    info.n_lines = decoded.n_lines;
    info.content = {0, decoded.text.size()};
    std::vector<Span> spans;
    if (!decoded.text.empty()) spans.push_back({0, 0, 0, 1});
    std::vector<Heading> headings;
    if (info.format == SourceFormat::markdown) headings = markdown_headings(decoded.text);
    std::vector<Notice> notices;
    if (!decoded.note.empty()) notices.push_back({0, 0, info.name + ": " + decoded.note});
    std::vector<SourceInfo> files;
    files.push_back(std::move(info));
    return Document::assemble(std::move(decoded.text), std::move(files), std::move(spans), std::move(headings),
                              std::move(notices));
}

}  // namespace

SourceFormat detect_format(std::string_view path, std::string_view first_bytes) {
    const std::string ext = lower_extension(path);
    if (ext == "pdf") return SourceFormat::pdf;
    if (ext == "md" || ext == "markdown" || ext == "mdown" || ext == "mkd") return SourceFormat::markdown;
    static constexpr std::array<std::string_view, 9> k_text{"txt", "text", "log", "csv", "tsv", "json", "xml", "html", "rst"};
    if (std::find(k_text.begin(), k_text.end(), ext) != k_text.end()) return SourceFormat::text;
    if (first_bytes.substr(0, 5) == "%PDF-") return SourceFormat::pdf;
    return SourceFormat::text;
}

Result<Document> extract(std::span<const std::string> paths, const ExtractOptions& options,
                         const ProgressFn& progress, const CancelToken* stop) {
    if (paths.empty()) return make_error(ErrorCode::invalid_argument, "no files to extract");
    // Sizes first, so progress has a total and oversize files fail before any work.
    std::vector<SourceInfo> infos;
    Progress p;
    p.n_files = static_cast<int32_t>(paths.size());
    for (const std::string& path : paths) {
        SourceInfo info;
        info.path = path;
        info.name = base_name(path);
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            const int err = errno;
            return make_error(err == ENOENT ? ErrorCode::not_found : ErrorCode::io_error,
                              info.name + ": cannot open: " + std::strerror(err));
        }
        if (S_ISDIR(st.st_mode)) return make_error(ErrorCode::invalid_argument, info.name + ": is a folder, not a file");
        info.file_bytes = static_cast<uint64_t>(st.st_size);
        if (info.file_bytes > options.max_file_bytes)
            return make_error(ErrorCode::limit_exceeded, info.name + ": " + std::to_string(info.file_bytes) +
                                                             " bytes is larger than the limit of " +
                                                             std::to_string(options.max_file_bytes));
        info.format = detect_format(path, read_head(path));
        p.bytes_total += info.file_bytes;
        infos.push_back(std::move(info));
    }
    auto stopped = [stop] { return stop && stop->cancelled(); };

    std::vector<Document> docs;
    docs.reserve(infos.size());
    uint64_t bytes_before = 0;
    for (size_t i = 0; i < infos.size(); ++i) {
        if (stopped()) return make_error(ErrorCode::cancelled, "extraction cancelled");
        SourceInfo info = infos[i];
        const std::string name = info.name;
        const uint64_t file_bytes = info.file_bytes;
        p.file = static_cast<int32_t>(i);
        Result<Document> doc = Status(ErrorCode::internal, "unreached");
        if (info.format == SourceFormat::pdf) {
            const int32_t pages_before = p.pages_done;
            const int32_t total_before = p.pages_total;
            doc = extract_pdf(std::move(info), options, [&](int32_t done, int32_t total) {
                p.pages_done = pages_before + done;
                p.pages_total = total_before + total;
                p.bytes_done = bytes_before + (total ? file_bytes * static_cast<uint64_t>(done) / static_cast<uint64_t>(total) : 0);
                if (progress) progress(p);
                return !stopped();
            });
        } else {
            doc = extract_text(std::move(info), [&](uint64_t read) {
                p.bytes_done = bytes_before + read;
                if (progress) progress(p);
                return !stopped();
            });
        }
        if (!doc.ok()) {
            if (doc.status().code() == ErrorCode::cancelled) return make_error(ErrorCode::cancelled, "extraction cancelled");
            return doc.status().with_context(name);
        }
        bytes_before += file_bytes;
        p.bytes_done = bytes_before;
        if (progress) progress(p);
        docs.push_back(std::move(doc).value());
    }
    return concatenate(std::move(docs), JoinOptions{options.file_headers});
}

}  // namespace farsight::ingest
