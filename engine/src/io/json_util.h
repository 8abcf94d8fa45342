// Helpers shared by the model-file parsers (index, config.json, tokenizer.json): strict JSON that
// refuses duplicate keys (nlohmann's DOM parser silently keeps the last one), bounded file reads,
// and names quoted safely for error messages.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "farsight/engine/status.h"

namespace farsight {

// 'name' for messages: control bytes escaped, truncated past 96 bytes (names come from files).
std::string quote_name(std::string_view s);

// The whole regular file as text. Files over `max_bytes` are limit_exceeded (checked before
// reading), missing ones not_found, unreadable ones io_error.
Result<std::string> read_text_file(const std::filesystem::path& path, uint64_t max_bytes);

// Parse JSON text into a DOM. A key repeated in one object is `duplicate`; nesting deeper than
// `max_depth` is limit_exceeded; anything that is not JSON (or not UTF-8) is `syntax_code`.
Result<nlohmann::json> parse_json_strict(std::string_view text, ErrorCode syntax_code, int max_depth = 64);

}  // namespace farsight
