// Internal: PDF -> single-file Document through poppler-cpp, page by page in reading order, with
// page markers, optional de-hyphenation and "no extractable text" notices. Used by extract.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "farsight/engine/status.h"
#include "ingest/document.h"
#include "ingest/extract.h"

namespace farsight::ingest {

// (pages done, pages total); returning false cancels.
using PageFn = std::function<bool(int32_t pages_done, int32_t pages_total)>;

// `info` carries path/name/file_bytes; the result has one file (index 0).
Result<Document> extract_pdf(SourceInfo info, const ExtractOptions& options, const PageFn& on_page);

// De-hyphenation that keeps the line count: "exam-\nple text" -> "example\ntext". Exposed for tests.
std::string dehyphenate_lines(std::string_view text);

}  // namespace farsight::ingest
