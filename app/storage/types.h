// Plain data types shared by the session-storage API (conversations, message tree, attachments,
// drafts, engine snapshots). No SQLite, no Qt: the app and farsight-cli include this freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"

namespace farsight::storage {

using ConversationId = std::int64_t;
using MessageId = std::int64_t;
using AttachmentId = std::int64_t;
using SnapshotId = std::int64_t;
using TimestampMs = std::int64_t;  // Unix epoch, milliseconds (UTC)

TimestampMs now_ms();

enum class Role { system, user, assistant, tool };
enum class MessageStatus { complete, streaming, interrupted, error };
enum class AttachmentKind { text, markdown, pdf, image };

std::string_view to_string(Role role);
std::string_view to_string(MessageStatus status);
std::string_view to_string(AttachmentKind kind);
Result<Role> parse_role(std::string_view text);
Result<MessageStatus> parse_message_status(std::string_view text);
Result<AttachmentKind> parse_attachment_kind(std::string_view text);

struct Conversation {
    ConversationId id = 0;
    std::string title;
    TimestampMs created_at = 0;
    TimestampMs updated_at = 0;
    std::string system_prompt;
    std::string model_path;              // folder or file the user opened
    std::string model_identity;          // stable id of the weights (e.g. "name@sha256:...")
    std::string sampling_json = "{}";    // sampling settings as a JSON object (opaque to storage)
    bool pinned = false;
    bool archived = false;
    std::optional<TimestampMs> deleted_at;  // set by soft delete; cleared by undo
    std::optional<MessageId> active_root;   // root message of the branch the UI shows
};

// Per-reply measurements shown under each answer.
struct ReplyStats {
    double tokens_per_s = 0.0;
    double ttft_ms = 0.0;              // time to first token
    std::int64_t n_context_used = 0;   // tokens of context in use when the reply ended
    std::int64_t n_tokens = 0;         // tokens generated in this reply
};

// The model and sampling settings a message was produced with.
struct GenerationInfo {
    std::string model_identity;
    std::string sampling_json = "{}";
};

struct Message {
    MessageId id = 0;
    ConversationId conversation = 0;
    std::optional<MessageId> parent;         // nullopt: a root (first turn, or an edit of it)
    Role role = Role::user;
    std::string content;
    TimestampMs created_at = 0;
    MessageStatus status = MessageStatus::complete;
    GenerationInfo generation;
    std::optional<ReplyStats> stats;         // assistant replies that finished or were cut off
    std::string error_message;               // status == error: what went wrong
    std::optional<MessageId> active_child;   // the child the UI shows (current branch)
};

struct NewMessage {
    ConversationId conversation = 0;
    std::optional<MessageId> parent;
    Role role = Role::user;
    std::string content;
    MessageStatus status = MessageStatus::complete;
    GenerationInfo generation;
    std::optional<ReplyStats> stats;
};

// Where a message sits among its siblings (for the "< 2/3 >" branch switcher).
struct SiblingInfo {
    int index = 0;                        // 0-based position among siblings, by creation order
    int count = 1;
    std::optional<MessageId> previous;
    std::optional<MessageId> next;
};

struct Attachment {
    AttachmentId id = 0;
    ConversationId conversation = 0;
    std::optional<MessageId> message;     // the message it was sent with (nullopt: still in the draft)
    AttachmentKind kind = AttachmentKind::text;
    std::string original_path;
    std::string sha256;                   // lowercase hex of the original file bytes
    std::int64_t byte_size = 0;
    std::optional<std::string> extracted_text;  // loaded only by AttachmentRepo::extracted_text
    std::string text_ref;                 // path of the extracted text when kept outside the DB
    std::string provenance_json = "[]";   // file/page/line spans of the extracted text
    std::int64_t n_tokens = 0;
    TimestampMs created_at = 0;
};

struct Draft {
    ConversationId conversation = 0;
    std::string text;
    TimestampMs updated_at = 0;
};

// A saved engine state: the prefilled prefix of a conversation (system prompt + attachments + turns).
struct EngineSnapshot {
    SnapshotId id = 0;
    ConversationId conversation = 0;
    std::string path;                       // the snapshot file written by the engine
    std::string model_identity;
    std::int64_t n_tokens = 0;              // prefilled tokens the snapshot holds
    std::vector<AttachmentId> attachments;  // the attachment set it covers (sorted)
    std::optional<MessageId> up_to_message; // last message included in the prefill, if any
    TimestampMs created_at = 0;
};

}  // namespace farsight::storage
