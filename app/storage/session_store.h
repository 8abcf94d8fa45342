// SessionStore: the one object the app (on its storage thread) and farsight-cli use. Opens the
// database crash-safely (writer lock, corruption check + move-aside + salvage, migrations,
// interrupted-reply marking), owns the repos, and buffers streamed replies (committed at least
// every flush_interval and at finish; a failed commit keeps the text in memory and retries).
// Not thread-safe: use one SessionStore from one thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"
#include "storage/attachment_repo.h"
#include "storage/conversation_repo.h"
#include "storage/db.h"
#include "storage/message_repo.h"
#include "storage/migrations.h"
#include "storage/recovery.h"
#include "storage/search.h"
#include "storage/types.h"
#include "storage/writer_lock.h"

namespace farsight::storage {

enum class IntegrityCheck { none, quick, full };

struct StoreOptions {
    std::string vfs;                                       // DbOptions::vfs (fault tests)
    std::chrono::milliseconds flush_interval{1000};        // max age of unsaved streamed text
    bool take_writer_lock = true;
    // Run at open. quick_check misses damaged index pages (the byte-flip corpus found such cases),
    // so the default is the full integrity_check. Measured on a 252 MB file (200k messages, warm
    // cache): integrity_check 2.1 s, quick_check 1.4 s. It runs on the storage thread.
    IntegrityCheck check = IntegrityCheck::full;
    bool salvage = true;                                   // copy rows out of a corrupt DB
    // After each committed write of a streamed reply: (message, committed bytes of content).
    std::function<void(MessageId, std::size_t)> on_reply_committed;
};

struct OpenReport {
    bool created = false;                 // the file did not exist (or was replaced after corruption)
    MigrationReport migration;            // from_version == to_version: nothing to do
    std::vector<MessageId> interrupted;   // replies cut off by a crash, now `interrupted`
    std::vector<Draft> drafts;            // non-empty drafts to restore
    RecoveryReport recovery;              // recovery.corrupt: the DB was damaged and moved aside
};

class SessionStore {
public:
    static Result<std::unique_ptr<SessionStore>> open(const std::filesystem::path& path,
                                                      StoreOptions options = {});
    ~SessionStore();   // flushes unsaved replies (best effort), keeps their status
    SessionStore(const SessionStore&) = delete;
    SessionStore& operator=(const SessionStore&) = delete;

    const OpenReport& open_report() const noexcept { return m_report; }
    const std::filesystem::path& path() const noexcept { return m_path; }

    Db& db() noexcept { return m_db; }
    ConversationRepo& conversations() noexcept { return m_conversations; }
    DraftRepo& drafts() noexcept { return m_drafts; }
    MessageRepo& messages() noexcept { return m_messages; }
    AttachmentRepo& attachments() noexcept { return m_attachments; }
    SnapshotRepo& snapshots() noexcept { return m_snapshots; }
    Result<std::vector<SearchHit>> search(std::string_view user_query, const SearchOptions& options = {});

    // A complete user message under `parent` (nullopt: under the active leaf; a new root when the
    // conversation is empty). Durable when this returns ok.
    Result<MessageId> add_user_message(ConversationId conversation, std::string_view text,
                                       std::optional<MessageId> parent = std::nullopt);

    // Streaming. begin_reply inserts an empty assistant message (status streaming) under `parent`.
    Result<MessageId> begin_reply(ConversationId conversation, std::optional<MessageId> parent,
                                  const GenerationInfo& generation);
    // Buffers `text`; commits the buffer when it is older than flush_interval. On a failed commit
    // the text stays buffered (nothing is lost) and the next append/flush retries.
    Status append_reply(MessageId id, std::string_view text);
    // Commits the rest of the text with the final status and stats in one transaction. On failure
    // the reply stays buffered and pending; call finish_reply or flush_all again later.
    Status finish_reply(MessageId id, MessageStatus status, const ReplyStats& stats,
                        std::string_view error_message = {});
    Status flush_due();    // commit buffers older than flush_interval (call from a ~250 ms timer)
    Status flush_all();    // commit every buffer (and pending finishes) now

    // Text appended but not yet committed for `id` ("" when none or unknown).
    std::string unsaved_text(MessageId id) const;
    bool has_unsaved() const;
    // Committed content + unsaved text: what the UI shows while streaming or after a failed save.
    Result<std::string> reply_text(MessageId id);

    // Flushes, then closes the connection and releases the writer lock.
    Status close();

private:
    struct PendingReply {
        std::string unsaved;
        std::size_t committed_bytes = 0;
        std::chrono::steady_clock::time_point last_commit;
        bool finish_pending = false;
        MessageStatus final_status = MessageStatus::complete;
        ReplyStats stats;
        std::string error_message;
    };

    SessionStore(std::filesystem::path path, StoreOptions options);
    Status open_impl();
    Status commit_reply(MessageId id, PendingReply& reply);

    std::filesystem::path m_path;
    StoreOptions m_options;
    WriterLock m_lock;
    Db m_db;
    ConversationRepo m_conversations{m_db};
    DraftRepo m_drafts{m_db};
    MessageRepo m_messages{m_db};
    AttachmentRepo m_attachments{m_db};
    SnapshotRepo m_snapshots{m_db};
    OpenReport m_report;
    std::map<MessageId, PendingReply> m_pending;
};

}  // namespace farsight::storage
