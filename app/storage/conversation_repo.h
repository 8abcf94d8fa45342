// ConversationRepo: conversations table (title, timestamps, system prompt, model, sampling JSON,
// pinned/archived, soft delete with undo and purge).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"
#include "storage/db.h"
#include "storage/types.h"

namespace farsight::storage {

struct ConversationFilter {
    bool include_archived = false;
    bool include_deleted = false;   // soft-deleted ones (e.g. a "recently deleted" view)
};

class ConversationRepo {
public:
    explicit ConversationRepo(Db& db) : m_db(db) {}

    // Uses every field of `fields` except id/created_at/updated_at/deleted_at/active_root.
    Result<ConversationId> create(const Conversation& fields);
    Result<Conversation> get(ConversationId id);
    // Pinned first, then most recently updated.
    Result<std::vector<Conversation>> list(const ConversationFilter& filter = {});
    // Most recently updated non-deleted conversation with this exact title (farsight-cli --conversation).
    Result<std::optional<ConversationId>> find_by_title(std::string_view title);

    Status rename(ConversationId id, std::string_view title);
    Status set_system_prompt(ConversationId id, std::string_view prompt);
    Status set_model(ConversationId id, std::string_view model_path, std::string_view model_identity);
    Status set_sampling(ConversationId id, std::string_view sampling_json);  // must be a JSON object
    Status set_pinned(ConversationId id, bool pinned);
    Status set_archived(ConversationId id, bool archived);
    Status touch(ConversationId id);  // updated_at = now

    // Delete with undo: soft_delete hides it (search and list skip it); undo_delete brings it back.
    Status soft_delete(ConversationId id);
    Status undo_delete(ConversationId id);
    // Removes for good (with messages, attachments, drafts, snapshots rows) every conversation
    // soft-deleted before `deleted_before`; returns how many. Snapshot files are the caller's.
    Result<int> purge_deleted(TimestampMs deleted_before);
    Status purge(ConversationId id);

private:
    Db& m_db;
};

// Drafts: one per conversation, upserted on every autosave.
class DraftRepo {
public:
    explicit DraftRepo(Db& db) : m_db(db) {}
    Status save(ConversationId conversation, std::string_view text);
    Result<std::optional<Draft>> get(ConversationId conversation);
    Status clear(ConversationId conversation);
    // Every non-empty draft (for "restored your draft" after a crash).
    Result<std::vector<Draft>> all();

private:
    Db& m_db;
};

}  // namespace farsight::storage
