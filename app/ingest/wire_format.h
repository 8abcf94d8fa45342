// The farsight-extract helper's stdout framing (versioned), and its stderr progress lines.
// stdout: magic "FSXDOC\x01\n", then frames [u8 type][u64 LE length][payload]:
//   'M' provenance JSON (provenance_json.h)   'T' the UTF-8 text   'E' {"code","message"}   'Z' end
// A clean run writes M, T, Z; a failed one E, Z. Anything else (or no Z) means the helper broke.
// stderr: "progress bytes_done=N bytes_total=N pages_done=N pages_total=N file=N n_files=N".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "farsight/engine/status.h"
#include "ingest/document.h"
#include "ingest/extract.h"

namespace farsight::ingest::wire {

inline constexpr std::string_view k_magic{"FSXDOC\x01\n", 8};

// Writes a whole stream (result or error) to a file descriptor; io_error when the pipe breaks.
Status write_result(int fd, const Result<Document>& result);

// Parses a whole stdout capture: the Document, or the helper's error Status, or bad_header when
// the stream is malformed/incomplete.
Result<Document> read_result(std::string bytes);

std::string format_progress(const Progress& progress);
std::optional<Progress> parse_progress(std::string_view line);

// ErrorCode from its error_code_name(); internal when unknown.
ErrorCode error_code_from_name(std::string_view name) noexcept;

}  // namespace farsight::ingest::wire
