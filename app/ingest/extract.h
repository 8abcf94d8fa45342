// In-process extraction of TXT, Markdown and PDF files into a Document (document.h). The app does
// NOT call this directly on untrusted files: it calls extract_in_subprocess() (subprocess.h), which
// runs this in the farsight-extract helper. Tests and the helper call it directly.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "farsight/engine/status.h"
#include "farsight/engine/types.h"   // CancelToken
#include "ingest/document.h"

namespace farsight::ingest {

// Reported often (every 256 KiB of input and every PDF page) from the extracting thread.
struct Progress {
    uint64_t bytes_done = 0;     // input bytes read, all files together
    uint64_t bytes_total = 0;    // sum of the input file sizes
    int32_t pages_done = 0;      // PDF pages done, all files together
    int32_t pages_total = 0;     // PDF pages of the files opened so far
    int32_t file = 0;            // index of the file being read
    int32_t n_files = 0;
};
using ProgressFn = std::function<void(const Progress&)>;

struct ExtractOptions {
    bool file_headers = true;          // "=== name (format) ===" before each file when there are several
    bool page_markers = true;          // "--- page N ---" line before each PDF page
    bool dehyphenate = false;          // PDF: "exam-\nple" -> "example\n" (line count kept)
    uint64_t max_file_bytes = uint64_t{2} << 30;   // larger files are refused (limit_exceeded)
    int32_t max_pdf_pages = 100000;
};

// Picks the format from the extension (.txt/.text/.log/.csv..., .md/.markdown, .pdf), or from the
// first bytes ("%PDF-") when the extension says nothing.
SourceFormat detect_format(std::string_view path, std::string_view first_bytes);

// Extracts `paths` in order into one Document. Errors name the file:
//   not_found / io_error        file missing or unreadable
//   unsupported                 binary file (NUL bytes), UTF-32, encrypted PDF
//   bad_header                  broken PDF
//   limit_exceeded              file larger than max_file_bytes / too many pages
//   cancelled                   `stop` was set (checked every 256 KiB read and every PDF page)
// `progress` and `stop` may be null.
Result<Document> extract(std::span<const std::string> paths, const ExtractOptions& options = {},
                         const ProgressFn& progress = nullptr, const CancelToken* stop = nullptr);

}  // namespace farsight::ingest
