// One chat turn through the storage API, for farsight-cli and the app: append the user message,
// then stream the reply through a callback-driven writer (RAII: an unfinished reply is marked
// interrupted). The caller only supplies the generation loop.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "farsight/engine/status.h"
#include "storage/session_store.h"
#include "storage/types.h"

namespace farsight::storage {

class ReplyWriter {
public:
    static Result<ReplyWriter> begin(SessionStore& store, ConversationId conversation,
                                     std::optional<MessageId> parent, const GenerationInfo& generation);
    ReplyWriter(ReplyWriter&& other) noexcept;
    ReplyWriter& operator=(ReplyWriter&&) = delete;
    ReplyWriter(const ReplyWriter&) = delete;
    ReplyWriter& operator=(const ReplyWriter&) = delete;
    ~ReplyWriter();   // not finished: finish(interrupted) (best effort)

    MessageId id() const noexcept { return m_id; }
    Status append(std::string_view piece);
    Status finish(MessageStatus status, const ReplyStats& stats, std::string_view error_message = {});
    bool finished() const noexcept { return m_finished; }

private:
    ReplyWriter(SessionStore& store, MessageId id) : m_store(&store), m_id(id) {}
    SessionStore* m_store = nullptr;
    MessageId m_id = 0;
    bool m_finished = false;
};

// Called by the producer for each decoded piece of text. A non-ok return is a storage error (the
// text is still buffered in memory); the producer may stop or go on.
using ReplyEmit = std::function<Status(std::string_view piece)>;
// Generates the reply: calls emit per piece, fills stats, returns ok (reply complete), cancelled
// (stored as interrupted) or another error (stored as status error with the message).
using ReplyProducer = std::function<Status(const ReplyEmit& emit, ReplyStats& stats)>;

struct ChatTurnRequest {
    ConversationId conversation = 0;
    std::string user_text;
    std::optional<MessageId> parent;          // nullopt: continue the active branch
    GenerationInfo generation;
    std::vector<AttachmentId> attachments;    // draft attachments sent with this message
    bool clear_draft = true;
};

struct ChatTurnResult {
    MessageId user_message = 0;
    MessageId reply = 0;
    MessageStatus reply_status = MessageStatus::complete;
    Status producer_status;                   // what the producer returned
};

// Adds the user message (durable before `on_user_committed` is called and the producer starts),
// then streams the reply. Returns an error only when storage failed (the reply text is then still
// in store.unsaved_text(reply) if it was begun).
Result<ChatTurnResult> run_chat_turn(SessionStore& store, const ChatTurnRequest& request,
                                     const ReplyProducer& producer,
                                     const std::function<void(MessageId)>& on_user_committed = {});

// farsight-cli --conversation NAME: the newest live conversation with that title, or a new one.
Result<ConversationId> find_or_create_conversation(SessionStore& store, std::string_view title,
                                                   std::string_view model_path = {},
                                                   std::string_view model_identity = {});

}  // namespace farsight::storage
