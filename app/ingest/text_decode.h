// Internal: streaming decode of a text file to UTF-8 — BOMs (UTF-8, UTF-16 LE/BE), UTF-8
// validation with a Windows-1252 fallback, CRLF/CR -> LF, binary (NUL) rejection. Used by extract.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "farsight/engine/status.h"

namespace farsight::ingest {

struct DecodedText {
    std::string text;            // UTF-8, '\n' line ends, no BOM
    std::string encoding;        // "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252"
    int32_t n_lines = 0;
    std::string note;            // non-empty when the user should know (fallback decoding)
};

// Called after each chunk read with the bytes read so far; returning false cancels.
using ChunkFn = std::function<bool(uint64_t bytes_read)>;

// Reads `path` in 256 KiB chunks. unsupported for binary/UTF-32 files; cancelled when `on_chunk`
// returns false. `file_bytes` (from stat) sizes the output buffer.
Result<DecodedText> decode_text_file(const std::string& path, uint64_t file_bytes, const ChunkFn& on_chunk);

// The same over bytes in memory (tests, and small inputs).
Result<DecodedText> decode_text_bytes(std::string_view bytes);

}  // namespace farsight::ingest
