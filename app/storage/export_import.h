// Export/import of one conversation: Markdown (readable, branches noted) and JSON (lossless:
// tree, active branch, attachment metadata, settings; versioned format "farsight.conversation").
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "farsight/engine/status.h"
#include "storage/db.h"
#include "storage/types.h"

namespace farsight::storage {

inline constexpr std::string_view kExportFormat = "farsight.conversation";
inline constexpr int kExportFormatVersion = 1;

enum class ExportFormat { markdown, json };

Result<std::string> export_markdown(Db& db, ConversationId conversation);
Result<std::string> export_json(Db& db, ConversationId conversation);
// Imports a JSON export as a new conversation (new ids everywhere, tree and active branch
// preserved). Malformed input is refused with bad_header/invalid_argument/unsupported and a
// message that says what and where; nothing is written then.
Result<ConversationId> import_json(Db& db, std::string_view json);

// Writes the export atomically (temp file + fsync + rename + directory fsync).
Status export_to_file(Db& db, ConversationId conversation, const std::filesystem::path& path,
                      ExportFormat format);
Result<ConversationId> import_from_file(Db& db, const std::filesystem::path& path);

}  // namespace farsight::storage
