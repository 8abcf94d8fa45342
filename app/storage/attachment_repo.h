// AttachmentRepo and SnapshotRepo: documents attached to a conversation (with extracted text and
// its provenance) and the engine state snapshots that cover a prefilled prefix of it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"
#include "storage/db.h"
#include "storage/types.h"

namespace farsight::storage {

class AttachmentRepo {
public:
    explicit AttachmentRepo(Db& db) : m_db(db) {}

    // Uses every field except id/created_at. extracted_text may be large (MBs): it is stored
    // as is; list()/get() leave it out, extracted_text() reads it.
    Result<AttachmentId> add(const Attachment& attachment);
    Result<Attachment> get(AttachmentId id);
    Result<std::vector<Attachment>> list(ConversationId conversation);
    Result<std::string> extracted_text(AttachmentId id);   // "" when none stored
    // Binds draft attachments to the message they were sent with.
    Status attach_to_message(AttachmentId id, MessageId message);
    Status set_token_count(AttachmentId id, std::int64_t n_tokens);
    Status remove(AttachmentId id);

private:
    Db& m_db;
};

class SnapshotRepo {
public:
    explicit SnapshotRepo(Db& db) : m_db(db) {}

    Result<SnapshotId> add(const EngineSnapshot& snapshot);   // attachments are sorted on insert
    Result<std::vector<EngineSnapshot>> list(ConversationId conversation);  // newest first
    // Newest snapshot of `conversation` for `model_identity` covering exactly `attachments`
    // (any order): lets the app say "reusing N prefilled tokens".
    Result<std::optional<EngineSnapshot>> find(ConversationId conversation,
                                               std::string_view model_identity,
                                               std::vector<AttachmentId> attachments);
    // Removes the row; returns the file path so the caller can delete the file.
    Result<std::string> remove(SnapshotId id);

private:
    Db& m_db;
};

}  // namespace farsight::storage
