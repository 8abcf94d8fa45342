// Internal (not part of the public API): column lists and row readers shared by the repos,
// export and salvage, so every SELECT of a table reads the same columns in the same order.
#pragma once

#include <string_view>

#include "storage/statement.h"
#include "storage/types.h"

namespace farsight::storage::detail {

inline constexpr std::string_view kConversationColumns =
    "id, title, created_at, updated_at, system_prompt, model_path, model_identity, sampling_json, "
    "pinned, archived, deleted_at, active_root_id";
inline constexpr std::string_view kMessageColumns =
    "id, conversation_id, parent_id, role, content, created_at, status, model_identity, sampling_json, "
    "tokens_per_s, ttft_ms, n_context_used, n_tokens, error_message, active_child_id";
inline constexpr std::string_view kAttachmentColumns =
    "id, conversation_id, message_id, kind, original_path, sha256, byte_size, text_ref, "
    "provenance_json, n_tokens, created_at";

Conversation read_conversation(const Statement& st);
// Unknown role/status text (only possible in a damaged DB) reads as user/interrupted.
Message read_message(const Statement& st);
Attachment read_attachment(const Statement& st);

// True when `text` parses as JSON and its top level is an object (objects_only) or array.
bool is_json_object(std::string_view text);
bool is_json_array(std::string_view text);

Status not_found(std::string_view what, std::int64_t id);

}  // namespace farsight::storage::detail
